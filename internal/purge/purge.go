// Package purge tells the caching proxies in front of the site which pages
// changed: after a content reload it sends the surrogate keys of what
// changed to each configured purge URL, as a Varnish-style BAN request.
// Purges are coalesced and retried in the background; a proxy that is down
// never slows down serving or reloading.
package purge

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// validKey is what a surrogate key may contain: the VCL refuses anything
// else, since keys end up in a ban expression.
var validKey = regexp.MustCompile(`^[a-z0-9-]+$`)

// maxKeys bounds one ban: a larger change (a first load, a big git pull)
// bans every page at once through the key that all of them carry, rather
// than send a header no proxy would accept.
const maxKeys = 200

// Purger sends surrogate-key bans to proxies.
type Purger struct {
	urls []string
	// allPages is the key that every page of the site carries: a ban of
	// more than maxKeys bans it instead.
	allPages string
	client   *http.Client
	log      *slog.Logger
	retries  int
	backoff  time.Duration

	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}

	sent, failed atomic.Uint64 // bans, for the metrics
}

// Stats returns the bans sent and those given up after every retry, since
// the start, for the metrics.
func (p *Purger) Stats() (sent, failed uint64) { return p.sent.Load(), p.failed.Load() }

// New returns a Purger for the given purge URLs (none: it does nothing).
// allPages is the key that every page carries (the web package names
// keys; a purger only carries them).
func New(urls []string, allPages string, log *slog.Logger) *Purger {
	return &Purger{
		urls:     urls,
		allPages: allPages,
		client:   &http.Client{Timeout: 5 * time.Second},
		log:      log,
		retries:  4,
		backoff:  200 * time.Millisecond,
		pending:  map[string]bool{},
		wake:     make(chan struct{}, 1),
	}
}

// Purge queues keys for the next purge. It never blocks.
func (p *Purger) Purge(keys []string) {
	if len(p.urls) == 0 || len(keys) == 0 {
		return
	}
	p.mu.Lock()
	for _, k := range keys {
		if validKey.MatchString(k) {
			p.pending[k] = true
		} else {
			p.log.Warn("purge key refused", "key", k)
		}
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // a purge is already due: it will take these keys too
	}
}

// Run sends queued purges until ctx ends.
func (p *Purger) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		p.mu.Lock()
		keys := make([]string, 0, len(p.pending))
		for k := range p.pending {
			keys = append(keys, k)
		}
		p.pending = map[string]bool{}
		p.mu.Unlock()
		if len(keys) > maxKeys {
			keys = []string{p.allPages}
		}
		sort.Strings(keys)
		var wg sync.WaitGroup
		for _, u := range p.urls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.send(ctx, u, keys)
			}()
		}
		wg.Wait()
	}
}

// send bans keys at one proxy, retrying with a growing delay.
func (p *Purger) send(ctx context.Context, url string, keys []string) {
	start := time.Now()
	header := strings.Join(keys, " ")
	delay := p.backoff
	var err error
	for attempt := 1; attempt <= p.retries; attempt++ {
		if err = p.ban(ctx, url, header); err == nil {
			p.sent.Add(1)
			p.log.Info("purged", "url", url, "keys", header, "attempts", attempt, "duration", time.Since(start))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay *= 2
	}
	p.failed.Add(1)
	p.log.Error("purge failed", "url", url, "keys", header, "attempts", p.retries, "err", err)
}

func (p *Purger) ban(ctx context.Context, url, keys string) error {
	req, err := http.NewRequestWithContext(ctx, "BAN", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Surrogate-Key", keys)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("proxy answered %s", resp.Status)
	}
	return nil
}
