//go:build !testhooks

package main

import (
	"log/slog"

	"github.com/horizons-expat/site/internal/app"
)

// testHooks does nothing in the real binary; see hooks_testhooks.go.
func testHooks(*app.Config, *slog.Logger) {}
