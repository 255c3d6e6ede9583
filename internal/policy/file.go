package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/regua/regua/internal/holiday"
)

// File is the JSON form of a contact policy. A tenant usually starts from
// a preset and adds rules; every rule restricts (rules combine by
// intersection), so adding rules can only tighten. Turning off a preset's
// rule needs an Override that records who and why.
type File struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	// Preset is a jurisdiction preset to start from: BR, US, MX, CO, CL, ES
	// or PT.
	Preset        string             `json:"preset,omitempty"`
	Hours         []HoursRule        `json:"hours,omitempty"`
	Holidays      []HolidayRule      `json:"holidays,omitempty"`
	Caps          []CapRule          `json:"caps,omitempty"`
	Blocks        []BlockRule        `json:"blocks,omitempty"`
	Preferences   *PreferencesConfig `json:"preferences,omitempty"`
	Commemorative []*holiday.Rule    `json:"commemorative,omitempty"`
	ExtraHolidays []ExtraHoliday     `json:"extra_holidays,omitempty"`
	BestHour      *BestHourConfig    `json:"best_hour,omitempty"`
	Overrides     []Override         `json:"overrides,omitempty"`
	// Portfolios tighten the policy for one portfolio (carteira) each; a
	// portfolio section has the same fields except preset and portfolios.
	Portfolios map[string]*File `json:"portfolios,omitempty"`
}

// RuleMeta identifies a rule and cites its source.
type RuleMeta struct {
	ID          string `json:"id"`
	Source      string `json:"source,omitempty"`
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
}

// HoursRule opens contact only inside the given local hours. Days maps
// "mon"…"sun", "mon-fri", "sat-sun", "weekdays", "weekend" or "all" to
// spans like "09:00-21:00" or "08:00-12:00,14:00-18:00"; a day left out
// (or "closed") is closed.
type HoursRule struct {
	RuleMeta
	Channels []string          `json:"channels,omitempty"` // empty: all
	Regions  []string          `json:"regions,omitempty"`  // UF/state codes; empty: everywhere
	Days     map[string]string `json:"days"`
}

// HolidayRule closes the days of the given holiday kinds.
type HolidayRule struct {
	RuleMeta
	Channels []string `json:"channels,omitempty"`
	Kinds    []string `json:"kinds"` // national, state, municipal, optional, commemorative
}

// CapRule limits contacts in a rolling window: at most Limit earlier
// contacts may lie in the window ending at the decision instant. Window is
// a duration ("168h", "7d", "2d12h"); Days instead counts calendar days in
// the debtor's zone, today included. Count "conversations" makes it a
// cool-down after conversations.
type CapRule struct {
	RuleMeta
	Channels []string `json:"channels,omitempty"` // channels governed and counted; empty: all
	// PerChannel counts only contacts on the channel being decided.
	PerChannel bool `json:"per_channel,omitempty"`
	// OtherChannels counts only contacts on channels other than the one
	// being decided: "one channel a week" rules.
	OtherChannels bool       `json:"other_channels,omitempty"`
	Scope         string     `json:"scope,omitempty"` // debtor (default) or debt
	Count         string     `json:"count,omitempty"` // attempts (default) or conversations
	Limit         int        `json:"limit"`
	Window        string     `json:"window,omitempty"`
	Days          int        `json:"days,omitempty"`
	When          *Condition `json:"when,omitempty"`
}

// Condition restricts a cap to a segment of debtors. Amounts are money
// strings ("1.000,00" or "1000.00").
type Condition struct {
	Segments      []string `json:"segments,omitempty"`
	MinOverdue    string   `json:"min_overdue,omitempty"`
	MaxOverdue    string   `json:"max_overdue,omitempty"`
	MinDPD        *int     `json:"min_dpd,omitempty"`
	MaxDPD        *int     `json:"max_dpd,omitempty"`
	MinRecurrence *int     `json:"min_recurrence,omitempty"`
	MaxRecurrence *int     `json:"max_recurrence,omitempty"`
}

// BlockRule stops contact while a debtor flag is set: dispute, agreement,
// bankrupt, deceased or represented.
type BlockRule struct {
	RuleMeta
	Flag     string   `json:"flag"`
	Channels []string `json:"channels,omitempty"`
}

// PreferencesConfig says which debtor preferences the policy honours. A
// tenant can switch honouring on; switching a preset's on off needs an
// override of the rule "<preset>.preferences".
type PreferencesConfig struct {
	Channels *bool `json:"channels,omitempty"`
	Hours    *bool `json:"hours,omitempty"`
	// NotAtWork honours "not at work" by closing WorkHours on
	// NotAtWorkChannels (default voice and call).
	NotAtWork         *bool             `json:"not_at_work,omitempty"`
	WorkHours         map[string]string `json:"work_hours,omitempty"`
	NotAtWorkChannels []string          `json:"not_at_work_channels,omitempty"`
	// RequireAuthorized: contact only on channels the debtor authorised
	// (Preferences.Channels); an empty list authorises nothing.
	RequireAuthorized *bool `json:"require_authorized,omitempty"`
}

// ExtraHoliday adds a tenant holiday: Scope is "all", "uf:SP" or
// "city:3550308" (IBGE code). The kind defaults to the scope's level.
type ExtraHoliday struct {
	Scope string `json:"scope"`
	holiday.Rule
}

// BestHourConfig sets NextBest's fallback hour and how widely it spreads
// debtors around the chosen hour.
type BestHourConfig struct {
	Default string `json:"default,omitempty"` // "10:00"
	Spread  string `json:"spread,omitempty"`  // "90m"
}

// Override turns off one preset rule. It is the only way to loosen a
// preset, and it must say who decided and why; the compiled policy keeps
// the list for audit, and every decision names the policy version.
type Override struct {
	Rule     string `json:"rule"`
	Action   string `json:"action"` // disable
	By       string `json:"by"`
	Reason   string `json:"reason"`
	Approved string `json:"approved,omitempty"` // date or reference
	Ticket   string `json:"ticket,omitempty"`
}

// Parse reads a policy file. Errors name the field at fault.
func Parse(r io.Reader) (*File, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	return ParseBytes(raw)
}

// ParseBytes is Parse over bytes.
func ParseBytes(raw []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(raw, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("policy file: trailing data after the JSON object")
	}
	return &f, nil
}

func jsonError(raw []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(raw, se.Offset)
		return fmt.Errorf("policy file: line %d column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(raw, te.Offset)
		return fmt.Errorf("policy file: field %q: got JSON %s, want %s (line %d column %d)", te.Field, te.Value, te.Type, line, col)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return fmt.Errorf("policy file: %s", strings.TrimPrefix(err.Error(), "json: "))
	case errors.Is(err, io.EOF):
		return fmt.Errorf("policy file: empty")
	}
	return fmt.Errorf("policy file: %w", err)
}

func lineCol(raw []byte, off int64) (int, int) {
	if off > int64(len(raw)) {
		off = int64(len(raw))
	}
	line, col := 1, 1
	for _, b := range raw[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// digest is a short content hash of the file, so that a decision can name
// exactly the policy it used even when the version string was not bumped.
func (f *File) digest() string {
	b, _ := json.Marshal(f)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:6])
}
