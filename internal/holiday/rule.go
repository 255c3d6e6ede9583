package holiday

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
)

// Kind says what sort of day a holiday is. The contact policy decides per
// kind whether the day blocks contact.
type Kind uint8

// Kinds of holidays.
const (
	National      Kind = iota + 1 // feriado nacional
	State                         // feriado estadual (UF), or a region's holiday elsewhere
	Municipal                     // feriado municipal
	Optional                      // ponto facultativo: optional day off (Carnaval, Corpus Christi in BR)
	Commemorative                 // data comemorativa: not a day off, but a tenant may keep it contact-free
)

var kindNames = [...]string{"", "national", "state", "municipal", "optional", "commemorative"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k > 0 {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if i > 0 && n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown holiday kind %q (want national, state, municipal, optional or commemorative)", s)
}

// MarshalText writes the kind name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// Move is a rule that shifts a holiday away from the date it falls on.
type Move string

// Known moves.
const (
	// MoveNone keeps the date.
	MoveNone Move = ""
	// MoveNextSundayIfWeekday moves a date falling Monday–Friday to the
	// following Sunday (Santa Catarina, Lei SC 13.408/2005).
	MoveNextSundayIfWeekday Move = "next-sunday-if-weekday"
	// MoveNextMonday moves a date that is not a Monday to the following
	// Monday (Colombia's Ley 51 de 1983, "Ley Emiliani").
	MoveNextMonday Move = "next-monday"
	// MoveNearestMondayCL moves Tuesday–Thursday back to that week's Monday
	// and Friday on to the next Monday (Chile, Ley 19.668).
	MoveNearestMondayCL Move = "cl-monday"
	// MoveFridayCL moves a Tuesday back to the previous Friday and a
	// Wednesday on to the next Friday (Chile, Ley 20.299, 31 October).
	MoveFridayCL Move = "cl-friday"
	// MoveObservedUS observes a Saturday holiday on Friday and a Sunday
	// holiday on Monday (US federal holidays, 5 U.S.C. 6103(b)).
	MoveObservedUS Move = "us-observed"
)

// Rule is one holiday definition: when it falls, its name, the years it is
// in force and the source it rests on.
type Rule struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind,omitempty"`
	// When is "MM-DD" (fixed), "YYYY-MM-DD" (one year only), "easter+N" or
	// "easter-N" (days from Western Easter Sunday), "<nth> <weekday>
	// <month>" with nth in 1st…5th or last (e.g. "2nd sun may"), or
	// "june-solstice" (Chile's Día de los Pueblos Indígenas).
	When  string `json:"when"`
	Move  Move   `json:"move,omitempty"`
	From  int    `json:"from,omitempty"`  // first year in force
	Until int    `json:"until,omitempty"` // first year no longer in force (exclusive)
	// Source cites the law or page the rule rests on.
	Source string `json:"source,omitempty"`
	// Unconfirmed marks a rule not yet checked against the law's own text.
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
	Note        string `json:"note,omitempty"`

	calc    *cal.Holiday
	oneOff  Date
	solstic bool
}

var weekdayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
var monthNames = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
var nthNames = map[string]int{"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}

// compile checks the rule and prepares its calculation.
func (r *Rule) compile() error {
	if strings.TrimSpace(r.Name) == "" {
		return fmt.Errorf("name: empty")
	}
	if r.Until != 0 && r.From != 0 && r.Until <= r.From {
		return fmt.Errorf("until: %d is not after from %d", r.Until, r.From)
	}
	switch r.Move {
	case MoveNone, MoveNextSundayIfWeekday, MoveNextMonday, MoveNearestMondayCL, MoveFridayCL, MoveObservedUS:
	default:
		return fmt.Errorf("move: unknown %q", r.Move)
	}
	if r.calc != nil { // built from a rickar/cal definition
		return nil
	}
	w := strings.ToLower(strings.TrimSpace(r.When))
	h := &cal.Holiday{Name: r.Name}
	switch {
	case w == "june-solstice":
		r.solstic = true
		return nil
	case strings.HasPrefix(w, "easter"):
		n, err := strconv.Atoi(strings.TrimPrefix(w[6:], "+"))
		if w == "easter" {
			n, err = 0, nil
		}
		if err != nil || n < -100 || n > 100 {
			return fmt.Errorf("when: %q: want easter+N or easter-N with |N| ≤ 100", r.When)
		}
		h.Offset, h.Func = n, cal.CalcEasterOffset
	case len(w) == 5 && w[2] == '-':
		m, err1 := strconv.Atoi(w[:2])
		d, err2 := strconv.Atoi(w[3:])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m)) {
			return fmt.Errorf("when: %q: want MM-DD", r.When)
		}
		h.Month, h.Day, h.Func = time.Month(m), d, cal.CalcDayOfMonth
	case len(w) == 10 && w[4] == '-':
		d, err := ParseDate(w)
		if err != nil {
			return fmt.Errorf("when: %w", err)
		}
		r.oneOff = d
		return nil
	default:
		f := strings.Fields(w)
		if len(f) != 3 {
			return fmt.Errorf("when: %q: want MM-DD, YYYY-MM-DD, easter±N, \"<nth> <weekday> <month>\" or june-solstice", r.When)
		}
		n, ok1 := nthNames[f[0]]
		wd, ok2 := weekdayNames[f[1][:min(3, len(f[1]))]]
		m, ok3 := monthNames[f[2][:min(3, len(f[2]))]]
		if !ok1 || !ok2 || !ok3 {
			return fmt.Errorf("when: %q: want e.g. \"2nd sun may\" or \"last mon may\"", r.When)
		}
		h.Month, h.Weekday, h.Offset, h.Func = m, wd, n, cal.CalcWeekdayOffset
	}
	r.calc = h
	return nil
}

func daysIn(m time.Month) int {
	switch m {
	case time.February:
		return 29
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// On returns the date the rule falls on in year, after any move, and
// false when the rule is not in force that year.
func (r *Rule) On(year int) (Date, bool) {
	if (r.From != 0 && year < r.From) || (r.Until != 0 && year >= r.Until) {
		return 0, false
	}
	var d Date
	switch {
	case r.solstic:
		d = juneSolsticeChile(year)
	case r.calc == nil:
		if r.oneOff.Year() != year {
			return 0, false
		}
		return r.oneOff, true
	default:
		t, _ := r.calc.Calc(year)
		if t.IsZero() {
			return 0, false
		}
		d = FromTime(t)
		if d.Year() != year { // Feb 29 in a common year, 5th weekday overflow
			return 0, false
		}
	}
	return move(d, r.Move), true
}

func move(d Date, m Move) Date {
	wd := d.Weekday()
	switch m {
	case MoveNextSundayIfWeekday:
		if wd != time.Saturday && wd != time.Sunday {
			return d + Date(7-int(wd))
		}
	case MoveNextMonday:
		if wd != time.Monday {
			return d + Date((8-int(wd))%7)
		}
	case MoveNearestMondayCL:
		switch wd {
		case time.Tuesday, time.Wednesday, time.Thursday:
			return d - Date(int(wd)-1)
		case time.Friday:
			return d + 3
		}
	case MoveFridayCL:
		switch wd {
		case time.Tuesday:
			return d - 4
		case time.Wednesday:
			return d + 2
		}
	case MoveObservedUS:
		switch wd {
		case time.Saturday:
			return d - 1
		case time.Sunday:
			return d + 1
		}
	}
	return d
}

// juneSolsticeChile is the civil date in Chile (UTC−4 in June) of the June
// solstice, by Meeus' mean-solstice polynomial (Astronomical Algorithms,
// ch. 27, table 27.B, years 1000–3000). Its error is under a minute, well
// inside the margin of any year where the solstice is not within minutes
// of midnight in Chile.
func juneSolsticeChile(year int) Date {
	y := (float64(year) - 2000) / 1000
	jde := 2451716.56767 + 365241.62603*y + 0.00325*y*y + 0.00888*y*y*y - 0.00030*y*y*y*y
	// Julian day 2440587.5 is 1970-01-01T00:00Z; shift to UTC−4.
	return Date(math.Floor(jde - 2440587.5 - 4.0/24))
}
