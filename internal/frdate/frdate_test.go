package frdate

import (
	"testing"
	"time"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestRelative(t *testing.T) {
	pub := time.Date(2024, 11, 13, 9, 30, 0, 0, paris)
	tests := []struct {
		name    string
		elapsed time.Duration
		want    string
	}{
		{"same instant", 0, "à l'instant"},
		{"59.999 s", time.Minute - time.Millisecond, "à l'instant"},
		{"exactly 1 min", time.Minute, "il y a 1 minute"},
		{"1 min 59 s", 2*time.Minute - time.Second, "il y a 1 minute"},
		{"2 min", 2 * time.Minute, "il y a 2 minutes"},
		{"59 min 59 s", time.Hour - time.Second, "il y a 59 minutes"},
		{"exactly 1 h", time.Hour, "il y a 1 heure"},
		{"1 h 59", 2*time.Hour - time.Minute, "il y a 1 heure"},
		{"2 h", 2 * time.Hour, "il y a 2 heures"},
		{"23 h 59 min 59 s", day - time.Second, "il y a 23 heures"},
		{"exactly 24 h", day, "il y a 1 jour"},
		{"47 h 59", 2*day - time.Minute, "il y a 1 jour"},
		{"2 days", 2 * day, "il y a 2 jours"},
		{"6 days 23 h", week - time.Hour, "il y a 6 jours"},
		{"exactly 7 days", week, "il y a 1 semaine"},
		{"13 days", 13 * day, "il y a 1 semaine"},
		{"14 days", 14 * day, "il y a 2 semaines"},
		{"29 days 23 h 59", month - time.Minute, "il y a 4 semaines"},
		{"exactly 30 days", month, "il y a 1 mois"},
		{"59 days", 59 * day, "il y a 1 mois"},
		{"60 days", 60 * day, "il y a 2 mois"},
		{"364 days", 364 * day, "il y a 12 mois"},
		{"exactly 365 days", year, "il y a 1 an"},
		{"729 days", 729 * day, "il y a 1 an"},
		{"730 days", 730 * day, "il y a 2 ans"},
		{"10 years", 3650 * day, "il y a 10 ans"},
		{"future by 1 s", -time.Second, "à venir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Relative(pub, pub.Add(tt.elapsed)); got != tt.want {
				t.Errorf("Relative(+%v) = %q, want %q", tt.elapsed, got, tt.want)
			}
		})
	}
}

func TestRelativeIgnoresTimeZones(t *testing.T) {
	// The elapsed time is what counts, not the wall clocks: a DST change in
	// between must not add or remove an hour.
	pub := time.Date(2024, 10, 26, 12, 0, 0, 0, paris) // day before the switch to winter time
	now := pub.Add(24 * time.Hour).In(time.UTC)
	if got := Relative(pub, now); got != "il y a 1 jour" {
		t.Errorf("Relative across DST = %q", got)
	}
}

func TestNextChange(t *testing.T) {
	pub := time.Date(2024, 11, 13, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name          string
		elapsed, want time.Duration
	}{
		{"fresh", 10 * time.Second, time.Minute},
		{"minutes", 5*time.Minute + 3*time.Second, 6 * time.Minute},
		{"last minute", 59 * time.Minute, time.Hour},
		{"hours", 5*time.Hour + time.Minute, 6 * time.Hour},
		{"days", 3*day + time.Hour, 4 * day},
		{"weeks", 15 * day, 21 * day},
		{"4 weeks ends at 30 days", 28 * day, month},
		{"months", 45 * day, 60 * day},
		{"12 months ends at 365 days", 361 * day, year},
		{"years", 400 * day, 2 * year},
		{"future", -time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextChange(pub, pub.Add(tt.elapsed)); !got.Equal(pub.Add(tt.want)) {
				t.Errorf("NextChange(+%v) = +%v, want +%v", tt.elapsed, got.Sub(pub), tt.want)
			}
		})
	}
}

// checkNextChange verifies NextChange's contract at one point: the text holds
// until just before the returned instant and changes at it.
func checkNextChange(t *testing.T, pub, now time.Time) {
	t.Helper()
	next := NextChange(pub, now)
	if !next.After(now) {
		t.Fatalf("NextChange(%v, %v) = %v, not after now", pub, now, next)
	}
	text := Relative(pub, now)
	if before := Relative(pub, next.Add(-time.Nanosecond)); before != text {
		t.Fatalf("text changed before NextChange: %q at now, %q just before %v", text, before, next)
	}
	if at := Relative(pub, next); at == text {
		t.Fatalf("text %q did not change at NextChange %v", text, next)
	}
}

func TestNextChangeContract(t *testing.T) {
	pub := time.Date(2021, 5, 20, 10, 0, 0, 0, paris)
	for elapsed := -2 * time.Hour; elapsed < 3*year; elapsed += 97 * time.Minute {
		checkNextChange(t, pub, pub.Add(elapsed))
	}
}

func FuzzNextChange(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1_621_497_600), int64(1_795_000_000))
	f.Add(int64(1_700_000_000), int64(1_699_999_999))
	f.Fuzz(func(t *testing.T, pubSec, nowSec int64) {
		const limit = 1 << 40 // keep instants where time.Time arithmetic is exact
		if pubSec > limit || pubSec < -limit || nowSec > limit || nowSec < -limit {
			return
		}
		checkNextChange(t, time.Unix(pubSec, 0), time.Unix(nowSec, 0))
	})
}

func TestAbsolute(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"COG signature", time.Date(2021, 5, 20, 10, 0, 0, 0, paris), "20 mai 2021"},
		{"first of the month", time.Date(2024, 6, 1, 8, 0, 0, 0, paris), "1er juin 2024"},
		{"accented month", time.Date(2024, 2, 29, 8, 0, 0, 0, paris), "29 février 2024"},
		{"UTC evening is next day in Paris", time.Date(2024, 7, 31, 23, 30, 0, 0, time.UTC), "1er août 2024"},
		{"december", time.Date(2024, 12, 31, 12, 0, 0, 0, paris), "31 décembre 2024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Absolute(tt.in, paris); got != tt.want {
				t.Errorf("Absolute = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := AbsoluteTime(time.Date(2021, 5, 20, 9, 5, 0, 0, paris), paris), "20 mai 2021 à 9\u00a0h\u00a005"; got != want {
		t.Errorf("AbsoluteTime = %q, want %q", got, want)
	}
}
