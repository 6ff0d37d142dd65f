package applog

import (
	"log/slog"
	"math"
	"strconv"
	"time"
)

// A line whose attributes are all plain (strings of printable ASCII,
// integers, floats), as the access log line of every request is, is
// written here rather than by slog's handlers: their general machinery
// (a float goes through encoding/json) made up an eighth of the processor
// time of a cached page. The bytes are slog's own, which FuzzPlainLine
// holds this to; a line it cannot write exactly as slog would goes to slog.

// appendPlain appends r as format would write it, and reports whether it
// could; when it could not, buf is returned as it was given.
func appendPlain(buf []byte, format string, r slog.Record) ([]byte, bool) {
	start := len(buf)
	text := format == FormatText
	if y := r.Time.Year(); !plainString(r.Message, text) || !r.Time.IsZero() && (y < 0 || y > 9999) {
		return buf, false // slog writes an error for such a year
	}
	ok := true
	if text {
		if !r.Time.IsZero() {
			buf = append(buf, "time="...)
			buf = r.Time.Round(0).AppendFormat(buf, "2006-01-02T15:04:05.000Z07:00")
			buf = append(buf, ' ')
		}
		buf = append(buf, "level="...)
		buf = append(buf, r.Level.String()...)
		buf = append(buf, " msg="...)
		buf = append(buf, r.Message...)
		r.Attrs(func(a slog.Attr) bool {
			if !plainString(a.Key, true) {
				ok = false
				return false
			}
			buf = append(buf, ' ')
			buf = append(buf, a.Key...)
			buf = append(buf, '=')
			buf, ok = appendValue(buf, a.Value, true)
			return ok
		})
		buf = append(buf, '\n')
	} else {
		buf = append(buf, '{')
		if !r.Time.IsZero() {
			buf = append(buf, `"time":"`...)
			buf = r.Time.Round(0).AppendFormat(buf, time.RFC3339Nano)
			buf = append(buf, `",`...)
		}
		buf = append(buf, `"level":"`...)
		buf = append(buf, r.Level.String()...)
		buf = append(buf, `","msg":"`...)
		buf = append(buf, r.Message...)
		buf = append(buf, '"')
		r.Attrs(func(a slog.Attr) bool {
			if !plainString(a.Key, false) {
				ok = false
				return false
			}
			buf = append(buf, `,"`...)
			buf = append(buf, a.Key...)
			buf = append(buf, `":`...)
			buf, ok = appendValue(buf, a.Value, false)
			return ok
		})
		buf = append(buf, "}\n"...)
	}
	if !ok {
		return buf[:start], false
	}
	return buf, true
}

// appendValue appends v as the text or JSON handler writes it, if it is
// plain.
func appendValue(buf []byte, v slog.Value, text bool) ([]byte, bool) {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if !plainString(s, text) {
			return buf, false
		}
		if text {
			return append(buf, s...), true
		}
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"'), true
	case slog.KindInt64:
		return strconv.AppendInt(buf, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(buf, v.Uint64(), 10), true
	case slog.KindFloat64:
		f := v.Float64()
		if text {
			return strconv.AppendFloat(buf, f, 'g', -1, 64), true
		}
		// encoding/json, which the JSON handler calls for floats, writes
		// these as strconv's 'f' does; others in exponent form, or fails.
		if abs := math.Abs(f); f != 0 && (abs < 1e-6 || abs >= 1e21) || math.IsNaN(f) || math.IsInf(f, 0) {
			return buf, false
		}
		return strconv.AppendFloat(buf, f, 'f', -1, 64), true
	case slog.KindBool:
		return strconv.AppendBool(buf, v.Bool()), true
	}
	return buf, false
}

// plainString reports whether the handler (text or JSON) writes s as it
// is: printable ASCII that JSON does not escape, and for the text handler
// without the space, '=' or emptiness that it quotes.
func plainString(s string, text bool) bool {
	if s == "" {
		return !text
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < ' ' || b > '~' || b == '"' || b == '\\':
			return false
		case text && (b == ' ' || b == '='):
			return false
		}
	}
	return true
}
