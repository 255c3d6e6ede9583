// Package policy is Régua's contact-policy engine (política de contato):
// whether a debtor may be contacted on a channel at an instant, and if not,
// the next instant they may be, with the reasons why. It is pure: no store,
// no network, no clock. Journeys, dispatch and agents convert their data
// into the plain types of this file and ask Decide before every contact.
package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/holiday"
	"github.com/regua/regua/internal/money"
)

// Channel is a way of contacting a debtor.
type Channel uint8

// Channels.
const (
	SMS      Channel = iota + 1
	Email            // e-mail
	WhatsApp         // WhatsApp (template or session message)
	Voice            // robot call (URA / voice bot)
	Call             // human phone call by an agent
	Letter           // postal letter
	numChannels
)

var channelNames = [...]string{"", "sms", "email", "whatsapp", "voice", "call", "letter"}

func (c Channel) String() string {
	if c > 0 && c < numChannels {
		return channelNames[c]
	}
	return "channel(" + strconv.Itoa(int(c)) + ")"
}

// ParseChannel reads a channel name.
func ParseChannel(s string) (Channel, error) {
	for i := 1; i < int(numChannels); i++ {
		if channelNames[i] == strings.ToLower(strings.TrimSpace(s)) {
			return Channel(i), nil
		}
	}
	return 0, fmt.Errorf("unknown channel %q (want sms, email, whatsapp, voice, call or letter)", s)
}

// MarshalText writes the channel name.
func (c Channel) MarshalText() ([]byte, error) {
	if c == 0 || c >= numChannels {
		return nil, fmt.Errorf("invalid channel %d", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a channel name.
func (c *Channel) UnmarshalText(b []byte) error {
	v, err := ParseChannel(string(b))
	*c = v
	return err
}

// ChannelSet is a set of channels, bit 1<<Channel.
type ChannelSet uint8

// AllChannels holds every channel.
const AllChannels ChannelSet = 1<<numChannels - 2

// Has reports whether c is in the set.
func (s ChannelSet) Has(c Channel) bool { return s&(1<<c) != 0 }

// Clock is a local time of day in minutes after midnight (0…1440). Its text
// form is "HH:MM"; "24:00" is the end of the day.
type Clock int16

// ParseClock reads "HH:MM".
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q: want HH:MM between 00:00 and 24:00", s)
	}
	return Clock(h*60 + m), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	*c = v
	return err
}

// Span is a local time range [From, To).
type Span struct {
	From Clock `json:"from"`
	To   Clock `json:"to"`
}

// Preferences are what the debtor asked for.
type Preferences struct {
	// Channels the debtor agreed to be contacted on; empty means no stated
	// preference. Where a jurisdiction requires express authorisation
	// (Colombia), this is the authorised list.
	Channels []Channel `json:"channels,omitempty"`
	// Hours the debtor prefers, in their local time; empty means any.
	Hours []Span `json:"hours,omitempty"`
	// NotAtWork: do not interrupt the debtor during working hours (the
	// policy's work hours) on interrupting channels (calls by default).
	NotAtWork bool `json:"not_at_work,omitempty"`
}

// Flags are facts about the debtor that stop collection contact.
type Flags struct {
	Dispute     bool `json:"dispute,omitempty"`     // contestação pending
	Agreement   bool `json:"agreement,omitempty"`   // acordo in force (its own reminders are not collection)
	Bankrupt    bool `json:"bankrupt,omitempty"`    // insolvency / recuperação judicial / bankruptcy stay
	Deceased    bool `json:"deceased,omitempty"`    // falecido
	Represented bool `json:"represented,omitempty"` // represented by a lawyer who asked for contact through them
}

// Segment is how collection classifies the debtor; caps may depend on it.
type Segment struct {
	Name        string      `json:"name,omitempty"`
	Overdue     money.Money `json:"overdue,omitempty"`    // amount overdue, centavos
	DaysPastDue int         `json:"dpd,omitempty"`        // DPD
	Recurrence  int         `json:"recurrence,omitempty"` // times late in the last 12 months
}

// Debtor (devedor) is everything the engine needs to know about the person
// contacted.
type Debtor struct {
	ID string `json:"id,omitempty"`
	// Zone is the IANA time zone of the debtor's address. Empty means the
	// default zone of Country/UF/City (see DefaultZone).
	Zone string `json:"zone,omitempty"`
	// Loc is Zone resolved; callers on hot paths set it once with
	// Locate(Zone) so that Decide never loads a zone.
	Loc     *time.Location `json:"-"`
	Country string         `json:"country,omitempty"` // ISO 3166-1 alpha-2, e.g. BR
	UF      string         `json:"uf,omitempty"`      // state: UF in Brazil, state/region code elsewhere
	City    int            `json:"city,omitempty"`    // IBGE municipality code (Brazil)
	OptOuts []Channel      `json:"opt_outs,omitempty"`
	Prefs   Preferences    `json:"preferences,omitzero"`
	Flags   Flags          `json:"flags,omitzero"`
	Segment Segment        `json:"segment,omitzero"`
	// BestHour is the learned best local hour to reach the debtor (minutes
	// after midnight), nil when unknown.
	BestHour *Clock `json:"best_hour,omitempty"`

	// Set by Resolve so that Decide need not look the place up again; call
	// Resolve again after changing Country, UF or City.
	place   holiday.Calendar
	placeOK bool
}

// Outcome says what an earlier contact achieved.
type Outcome uint8

// Outcomes.
const (
	// Attempted: the contact was made (sent, dialled) without a conversation.
	Attempted Outcome = iota + 1
	// Conversation: the debtor was reached and talked (right-party contact).
	Conversation
)

// MarshalText writes "attempt" or "conversation".
func (o Outcome) MarshalText() ([]byte, error) {
	switch o {
	case Attempted:
		return []byte("attempt"), nil
	case Conversation:
		return []byte("conversation"), nil
	}
	return nil, fmt.Errorf("invalid outcome %d", o)
}

// UnmarshalText reads "attempt" or "conversation".
func (o *Outcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case "attempt":
		*o = Attempted
	case "conversation":
		*o = Conversation
	default:
		return fmt.Errorf("unknown outcome %q (want attempt or conversation)", b)
	}
	return nil
}

// Attempt (acionamento) is one earlier contact with the debtor, on any
// debt. History may come in any order; entries after the decision instant
// are ignored.
type Attempt struct {
	ID      string    `json:"id,omitempty"`
	At      time.Time `json:"at"`
	Channel Channel   `json:"channel"`
	Debt    string    `json:"debt,omitempty"`
	Outcome Outcome   `json:"outcome"`
	// Inbound: the debtor contacted us. Inbound contacts do not count as
	// our attempts, but a conversation still starts a cool-down.
	Inbound bool `json:"inbound,omitempty"`
}
