package imports

import (
	"strconv"
	"strings"
	"time"
)

// Years before minYear (the screening's earliest) or after this one are
// not read as years of birth: a list's entry keeps its names without such
// a date, where the records service would refuse the entry for it.
const minYear = 1850

// parseYear reads a four-digit year from minYear to this year.
func parseYear(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < minYear || y > time.Now().Year() {
		return 0, false
	}
	return y, true
}

// parseISODate reads "YYYY-MM-DD" (anything after the tenth byte, such as a
// time or zone, is ignored), "YYYY-MM" or "YYYY".
func parseISODate(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && s[7] == '-' {
		s = s[:10]
	}
	switch len(s) {
	case 4:
		y, ok := parseYear(s)
		return Date{Year: y}, ok
	case 7, 10:
		if s[4] != '-' {
			return Date{}, false
		}
		y, ok := parseYear(s[:4])
		if !ok {
			return Date{}, false
		}
		m, err := strconv.Atoi(s[5:7])
		if err != nil || s[5] == '+' || s[5] == '-' {
			return Date{}, false
		}
		day := 0
		if len(s) == 10 {
			if s[7] != '-' || s[8] == '+' || s[8] == '-' {
				return Date{}, false
			}
			if day, err = strconv.Atoi(s[8:]); err != nil {
				return Date{}, false
			}
		}
		return validDate(y, m, day)
	}
	return Date{}, false
}

// validDate checks month and day (day 0: unknown) and builds the Date.
func validDate(y, m, d int) (Date, bool) {
	if m < 1 || m > 12 || d < 0 {
		return Date{}, false
	}
	if d > 0 && d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return Date{}, false
	}
	return Date{Year: y, Month: m, Day: d}, true
}

var months = map[string]int{
	"jan": 1, "january": 1,
	"feb": 2, "february": 2,
	"mar": 3, "march": 3,
	"apr": 4, "april": 4,
	"may": 5,
	"jun": 6, "june": 6,
	"jul": 7, "july": 7,
	"aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10,
	"nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// monthNumber reads an English month name or abbreviation ("Sep", "Sept.",
// "September"); 0 when s is not one.
func monthNumber(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if len(s) < 3 || len(s) > 9 {
		return 0
	}
	return months[strings.ToLower(s)]
}

// parseOFACDate reads a date of birth from an OFAC remark, after "DOB ":
// "12 Mar 1965", "Mar 1965", "1965", "circa 1960", "1960 to 1962",
// "01 Jan 1960 to 31 Dec 1962", "circa 1960-1962". An approximate date is
// read as the date itself. A range within one year is that year; a range
// from a day to the same day is that day.
func parseOFACDate(s string) (Date, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	l := strings.ToLower(s)
	for _, p := range []string{"circa ", "approximately ", "about ", "c. ", "ca. "} {
		if strings.HasPrefix(l, p) {
			s, l = strings.TrimSpace(s[len(p):]), l[len(p):]
			break
		}
	}
	if i := strings.Index(l, " to "); i > 0 {
		a, aok := ofacSingleDate(s[:i])
		b, bok := ofacSingleDate(s[i+4:])
		if !aok || !bok {
			return Date{}, false
		}
		if a == b {
			return a, true
		}
		return yearRange(a.Year, b.Year), true
	}
	if len(s) == 9 && s[4] == '-' {
		a, aok := parseYear(s[:4])
		b, bok := parseYear(s[5:])
		if aok && bok {
			return yearRange(a, b), true
		}
	}
	return ofacSingleDate(s)
}

// ofacSingleDate reads "12 Mar 1965", "Mar 1965", "1965" or "1965-03-12".
func ofacSingleDate(s string) (Date, bool) {
	f := strings.Fields(s)
	switch len(f) {
	case 1:
		if y, ok := parseYear(f[0]); ok {
			return Date{Year: y}, true
		}
		return parseISODate(f[0])
	case 2:
		m := monthNumber(f[0])
		y, ok := parseYear(f[1])
		if m == 0 || !ok {
			return Date{}, false
		}
		return Date{Year: y, Month: m}, true
	case 3:
		d, err := strconv.Atoi(f[0])
		m := monthNumber(f[1])
		y, ok := parseYear(f[2])
		if err != nil || len(f[0]) > 2 || m == 0 || !ok || d < 1 {
			return Date{}, false
		}
		return validDate(y, m, d)
	}
	return Date{}, false
}
