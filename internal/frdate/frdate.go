// Package frdate formats instants as French dates: absolute ("1er juin 2024")
// and relative to a reference instant ("il y a 3 jours").
//
// Every function is a pure function of its arguments: the caller passes "now",
// so pages, caches and tests all agree on the same clock.
package frdate

import (
	"strconv"
	"time"
)

const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day  // the table's "mois" is a 30-day span
	year  = 365 * day // and its "an" a 365-day span
)

var months = [...]string{
	"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre",
}

// Absolute returns the calendar date of t in loc, French style: "20 mai 2021",
// with the ordinal "1er" for the first day of a month.
// MonthYear is a month as French writes it: "novembre 2024".
func MonthYear(year int, m time.Month) string {
	return months[m-1] + " " + strconv.Itoa(year)
}

func Absolute(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return d + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// AbsoluteTime is Absolute followed by the clock time: "20 mai 2021 à 10 h 05".
func AbsoluteTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return Absolute(t, loc) + " à " + strconv.Itoa(t.Hour()) + "\u00a0h\u00a0" + twoDigits(t.Minute())
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// band is one row of the relative-date table: elapsed times below limit are
// counted in whole units.
type band struct {
	limit          time.Duration
	unit           time.Duration
	singular, plur string
}

var bands = [...]band{
	{time.Hour, time.Minute, "minute", "minutes"},
	{day, time.Hour, "heure", "heures"},
	{week, day, "jour", "jours"},
	{month, week, "semaine", "semaines"},
	{year, month, "mois", "mois"},
	{1<<63 - 1, year, "an", "ans"},
}

// Relative returns the elapsed time from t to now in French, truncated to
// whole units: "à l'instant", "il y a 1 minute", "il y a 5 jours",
// "il y a 2 mois", "il y a 3 ans". An instant after now reads "à venir"
// (only editors previewing scheduled articles see it).
func Relative(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "à venir"
	case d < time.Minute:
		return "à l'instant"
	}
	for _, b := range bands {
		if d < b.limit {
			n := int64(d / b.unit)
			word := b.plur
			if n == 1 {
				word = b.singular
			}
			return "il y a " + strconv.FormatInt(n, 10) + " " + word
		}
	}
	panic("unreachable: the last band has no limit")
}

// NextChange returns the first instant after now at which Relative(t, ·)
// gives another text. Caches of anything showing Relative(t, now) must not
// outlive it.
func NextChange(t, now time.Time) time.Time {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t
	case d < time.Minute:
		return t.Add(time.Minute)
	}
	for _, b := range bands {
		if d < b.limit {
			next := (d/b.unit + 1) * b.unit
			if next > b.limit {
				next = b.limit
			}
			return t.Add(next)
		}
	}
	panic("unreachable: the last band has no limit")
}
