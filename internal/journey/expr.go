package journey

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/regua/regua/internal/money"
)

// Segment rules (regras de segmentação) are small boolean expressions over
// the facts of one enrolment, e.g.
//
//	dpd >= 30 and overdue > 1000 and product in ["credit_card", "retail"]
//	first_time or outcome("d3-voice") == "no_answer"
//
// Grammar (keywords are lower case; && || ! are accepted too):
//
//	expr    = and { "or" and }
//	and     = not { "and" not }
//	not     = "not" not | cmp
//	cmp     = primary [ ("=="|"!="|"<"|"<="|">"|">="|"in") primary ]
//	primary = number | string | "true" | "false" | ident | ident "(" [expr {"," expr}] ")"
//	        | "(" expr ")" | "[" [primary {"," primary}] "]"
//
// Every expression is type-checked when compiled: money variables compare
// with numbers read as reais ("1000", "1000.50", "1.000,50" is not accepted
// because of the comma — write 1000.50), counts with integers, strings with
// strings. Errors name the column.

// vtype is the static type of a value.
type vtype uint8

const (
	tBool vtype = iota + 1
	tInt
	tMoney
	tStr
	tList
	tNumLit // a number literal not yet given a type by what it is compared with
)

func (t vtype) String() string {
	return [...]string{"", "boolean", "integer", "money", "string", "list", "number"}[t]
}

// Var describes one variable of the language.
type Var struct {
	Name string
	Type string
	Doc  string
}

var vars = map[string]struct {
	t   vtype
	get func(f *Facts) value
	doc string
}{
	"dpd":                  {tInt, func(f *Facts) value { return value{i: int64(f.DPD)} }, "days past the anchor date (negative before it)"},
	"overdue":              {tMoney, func(f *Facts) value { return value{i: int64(f.Overdue)} }, "amount overdue on the debt, in reais"},
	"open":                 {tMoney, func(f *Facts) value { return value{i: int64(f.Open)} }, "amount still open on the debt (overdue or not)"},
	"installments_overdue": {tInt, func(f *Facts) value { return value{i: int64(f.InstallmentsOverdue)} }, "number of overdue installments"},
	"recurrence":           {tInt, func(f *Facts) value { return value{i: int64(f.Recurrence)} }, "times late in the last 12 months"},
	"score":                {tInt, func(f *Facts) value { return value{i: int64(f.Score)} }, "the debtor's score (0–1000, 0 when unknown)"},
	"first_time":           {tBool, func(f *Facts) value { return boolv(f.Recurrence <= 1) }, "first-time late debtor (recurrence ≤ 1)"},
	"recurrent":            {tBool, func(f *Facts) value { return boolv(f.Recurrence > 1) }, "late more than once in 12 months"},
	"agreement":            {tBool, func(f *Facts) value { return boolv(f.Agreement) }, "the debt is an agreement (acordo), not the original debt"},
	"product":              {tStr, func(f *Facts) value { return value{s: f.Product} }, "product line of the debt (credit_card, personal_loan, telecom, …)"},
	"delay_reason":         {tStr, func(f *Facts) value { return value{s: f.DelayReason} }, "delay reason code (motivo do atraso), empty when unknown"},
	"creditor_fault":       {tBool, func(f *Facts) value { return boolv(f.CreditorFault) }, "the delay reason is the creditor's fault"},
	"locale":               {tStr, func(f *Facts) value { return value{s: f.Locale} }, "the debtor's language: pt-BR, es, en"},
	"uf":                   {tStr, func(f *Facts) value { return value{s: f.UF} }, "the debtor's state (UF)"},
	"kind":                 {tStr, func(f *Facts) value { return value{s: f.Kind} }, "person or company"},
	"variant":              {tStr, func(f *Facts) value { return value{s: f.Variant} }, "champion/challenger arm of the enrolment"},
	"anchor":               {tStr, func(f *Facts) value { return value{s: string(f.AnchorKind)} }, "anchor kind: due, agreement_due, promise, breach"},
}

var funcs = map[string]struct {
	args []vtype
	ret  vtype
	doc  string
}{
	"reachable": {[]vtype{tStr}, tBool, `reachable("whatsapp"): the debtor has a contact point for the channel that did not opt out`},
	"outcome":   {[]vtype{tStr}, tStr, `outcome("step-id"): best outcome of that step's attempt for this anchor: "" (none), planned, sent, failed, no_answer, delivered, read, clicked, replied, promised, paid`},
}

// Vars lists the language's variables and functions for documentation.
func Vars() []Var {
	var out []Var
	for n, v := range vars {
		out = append(out, Var{n, v.t.String(), v.doc})
	}
	for n, f := range funcs {
		out = append(out, Var{n + "()", f.ret.String(), f.doc})
	}
	sortVars(out)
	return out
}

func sortVars(v []Var) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j].Name < v[j-1].Name; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

type value struct {
	b    bool
	i    int64
	s    string
	list []value
}

func boolv(b bool) value { return value{b: b} }

// Expr is a compiled, type-checked expression.
type Expr struct {
	src  string
	root *node
}

// String returns the source text.
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return e.src
}

// Eval evaluates the expression over f. A nil Expr is true (no condition).
func (e *Expr) Eval(f *Facts) bool {
	if e == nil || e.root == nil {
		return true
	}
	return e.root.eval(f).b
}

type node struct {
	op   string // literal, var, call, and, or, not, ==, !=, <, <=, >, >=, in, list
	t    vtype
	lit  value
	name string
	kids []*node
	pos  int
	get  func(*Facts) value
}

func (n *node) eval(f *Facts) value {
	switch n.op {
	case "lit":
		return n.lit
	case "var":
		return n.get(f)
	case "list":
		out := make([]value, len(n.kids))
		for i, k := range n.kids {
			out[i] = k.eval(f)
		}
		return value{list: out}
	case "call":
		a := n.kids[0].eval(f)
		switch n.name {
		case "reachable":
			return boolv(f.reachable(a.s))
		case "outcome":
			return value{s: f.Outcomes[a.s]}
		}
	case "and":
		for _, k := range n.kids {
			if !k.eval(f).b {
				return boolv(false)
			}
		}
		return boolv(true)
	case "or":
		for _, k := range n.kids {
			if k.eval(f).b {
				return boolv(true)
			}
		}
		return boolv(false)
	case "not":
		return boolv(!n.kids[0].eval(f).b)
	case "in":
		l, r := n.kids[0].eval(f), n.kids[1].eval(f)
		for _, v := range r.list {
			if equal(n.kids[0].t, l, v) {
				return boolv(true)
			}
		}
		return boolv(false)
	default:
		l, r := n.kids[0].eval(f), n.kids[1].eval(f)
		t := n.kids[0].t
		var c int
		switch t {
		case tStr:
			c = strings.Compare(l.s, r.s)
		case tBool:
			if l.b != r.b {
				c = 1
			}
		default:
			switch {
			case l.i < r.i:
				c = -1
			case l.i > r.i:
				c = 1
			}
		}
		switch n.op {
		case "==":
			return boolv(c == 0)
		case "!=":
			return boolv(c != 0)
		case "<":
			return boolv(c < 0)
		case "<=":
			return boolv(c <= 0)
		case ">":
			return boolv(c > 0)
		case ">=":
			return boolv(c >= 0)
		}
	}
	return value{}
}

func equal(t vtype, a, b value) bool {
	switch t {
	case tStr:
		return a.s == b.s
	case tBool:
		return a.b == b.b
	}
	return a.i == b.i
}

// ExprError is a compile error with its byte position in the source.
type ExprError struct {
	Pos int
	Msg string
}

func (e *ExprError) Error() string { return fmt.Sprintf("column %d: %s", e.Pos+1, e.Msg) }

// CompileExpr parses and type-checks a boolean expression. The empty
// string compiles to nil (always true).
func CompileExpr(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > 4000 {
		return nil, &ExprError{0, "expression longer than 4000 characters"}
	}
	p := &parser{src: src}
	p.next()
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tkEOF {
		return nil, p.errf("unexpected %s after the end of the expression", p.tok)
	}
	if n.t != tBool {
		return nil, &ExprError{n.pos, fmt.Sprintf("the expression is a %s, want a condition (true/false)", n.t)}
	}
	return &Expr{src: src, root: n}, nil
}

type tkind uint8

const (
	tkEOF tkind = iota
	tkNum
	tkStr
	tkIdent
	tkOp
	tkBad
)

type token struct {
	kind tkind
	text string
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tkEOF:
		return "end of expression"
	case tkStr:
		return strconv.Quote(t.text)
	}
	return "“" + t.text + "”"
}

type parser struct {
	src   string
	off   int
	tok   token
	depth int
}

func (p *parser) errf(format string, a ...any) error {
	return &ExprError{p.tok.pos, fmt.Sprintf(format, a...)}
}

func (p *parser) next() {
	s := p.src
	for p.off < len(s) && (s[p.off] == ' ' || s[p.off] == '\t' || s[p.off] == '\n' || s[p.off] == '\r') {
		p.off++
	}
	start := p.off
	if p.off >= len(s) {
		p.tok = token{tkEOF, "", start}
		return
	}
	c := s[p.off]
	switch {
	case c >= '0' && c <= '9' || (c == '-' && p.off+1 < len(s) && s[p.off+1] >= '0' && s[p.off+1] <= '9' && p.numberAllowed()):
		p.off++
		for p.off < len(s) && (s[p.off] >= '0' && s[p.off] <= '9' || s[p.off] == '.' || s[p.off] == '_') {
			p.off++
		}
		p.tok = token{tkNum, s[start:p.off], start}
	case c == '"' || c == '\'':
		p.off++
		var b strings.Builder
		for p.off < len(s) && s[p.off] != c {
			if s[p.off] == '\\' && p.off+1 < len(s) {
				p.off++
			}
			b.WriteByte(s[p.off])
			p.off++
		}
		if p.off >= len(s) {
			p.tok = token{tkBad, "unterminated string", start}
			return
		}
		p.off++
		p.tok = token{tkStr, b.String(), start}
	case c == '_' || c < utf8.RuneSelf && unicode.IsLetter(rune(c)):
		for p.off < len(s) && (s[p.off] == '_' || s[p.off] < utf8.RuneSelf && (unicode.IsLetter(rune(s[p.off])) || unicode.IsDigit(rune(s[p.off])))) {
			p.off++
		}
		p.tok = token{tkIdent, s[start:p.off], start}
	default:
		for _, op := range []string{"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", "="} {
			if strings.HasPrefix(s[p.off:], op) {
				p.off += len(op)
				p.tok = token{tkOp, op, start}
				return
			}
		}
		_, w := utf8.DecodeRuneInString(s[p.off:])
		p.off += w
		p.tok = token{tkBad, s[start:p.off], start}
	}
}

// numberAllowed: a minus sign starts a negative number only where an
// operand is expected (the language has no subtraction, so always).
func (p *parser) numberAllowed() bool { return true }

func (p *parser) isWord(w string) bool { return p.tok.kind == tkIdent && p.tok.text == w }
func (p *parser) isOp(o string) bool   { return p.tok.kind == tkOp && p.tok.text == o }

const maxDepth = 64

func (p *parser) expr(_ int) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errf("expression nested too deeply")
	}
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	if !(p.isWord("or") || p.isOp("||")) {
		return l, nil
	}
	n := &node{op: "or", t: tBool, kids: []*node{l}, pos: l.pos}
	for p.isWord("or") || p.isOp("||") {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, r)
	}
	return n, p.wantBools(n)
}

func (p *parser) and() (*node, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	if !(p.isWord("and") || p.isOp("&&")) {
		return l, nil
	}
	n := &node{op: "and", t: tBool, kids: []*node{l}, pos: l.pos}
	for p.isWord("and") || p.isOp("&&") {
		p.next()
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, r)
	}
	return n, p.wantBools(n)
}

func (p *parser) wantBools(n *node) error {
	for _, k := range n.kids {
		if k.t != tBool {
			return &ExprError{k.pos, fmt.Sprintf("%q needs conditions on both sides, got a %s", n.op, typeName(k))}
		}
	}
	return nil
}

func typeName(n *node) string {
	if n.t == tNumLit {
		return "number"
	}
	return n.t.String()
}

func (p *parser) not() (*node, error) {
	if p.isWord("not") || p.isOp("!") {
		pos := p.tok.pos
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errf("expression nested too deeply")
		}
		p.next()
		k, err := p.not()
		if err != nil {
			return nil, err
		}
		if k.t != tBool {
			return nil, &ExprError{k.pos, fmt.Sprintf("“not” needs a condition, got a %s", typeName(k))}
		}
		return &node{op: "not", t: tBool, kids: []*node{k}, pos: pos}, nil
	}
	return p.cmp()
}

func (p *parser) cmp() (*node, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	var op string
	switch {
	case p.tok.kind == tkOp && (p.tok.text == "==" || p.tok.text == "!=" || p.tok.text == "<" || p.tok.text == "<=" || p.tok.text == ">" || p.tok.text == ">="):
		op = p.tok.text
	case p.isOp("="):
		return nil, p.errf("use == to compare")
	case p.isWord("in"):
		op = "in"
	default:
		if l.t == tNumLit {
			return nil, &ExprError{l.pos, "a number alone is not a condition"}
		}
		return l, nil
	}
	opPos := p.tok.pos
	p.next()
	r, err := p.primary()
	if err != nil {
		return nil, err
	}
	n := &node{op: op, t: tBool, kids: []*node{l, r}, pos: l.pos}
	if op == "in" {
		if r.op != "list" {
			return nil, &ExprError{r.pos, "“in” needs a list: [\"a\", \"b\"]"}
		}
		if l.t == tNumLit || l.t == tList {
			return nil, &ExprError{l.pos, fmt.Sprintf("the left side of “in” must be a variable, got a %s", typeName(l))}
		}
		lst := make([]value, len(r.kids))
		for i, k := range r.kids {
			if err := settle(l.t, k); err != nil {
				return nil, err
			}
			lst[i] = k.lit
		}
		// The list is constant: evaluate it once here, not per enrolment.
		r.op, r.lit = "lit", value{list: lst}
		return n, nil
	}
	if l.t == tNumLit && r.t == tNumLit {
		return nil, &ExprError{opPos, "compare a variable with a number, not two numbers"}
	}
	if l.t == tNumLit {
		if err := settle(r.t, l); err != nil {
			return nil, err
		}
	} else if err := settle(l.t, r); err != nil {
		return nil, err
	}
	if l.t == tList {
		return nil, &ExprError{l.pos, "lists can only be used after “in”"}
	}
	if (op != "==" && op != "!=") && l.t == tBool {
		return nil, &ExprError{opPos, fmt.Sprintf("%s cannot order true/false values", op)}
	}
	return n, nil
}

// settle gives a number literal the type it is compared with, or checks
// that two typed operands agree.
func settle(want vtype, n *node) error {
	if n.t == tNumLit {
		txt := strings.ReplaceAll(n.name, "_", "")
		switch want {
		case tInt:
			v, err := strconv.ParseInt(txt, 10, 64)
			if err != nil {
				return &ExprError{n.pos, fmt.Sprintf("%s is not a whole number", n.name)}
			}
			n.lit, n.t = value{i: v}, tInt
			return nil
		case tMoney:
			neg := strings.HasPrefix(txt, "-")
			m, err := money.Parse(strings.TrimPrefix(txt, "-"))
			if err != nil || strings.Count(txt, ".") > 1 {
				return &ExprError{n.pos, fmt.Sprintf("%s is not an amount in reais (write 1000 or 1000.50)", n.name)}
			}
			if neg {
				m = -m
			}
			n.lit, n.t = value{i: int64(m)}, tMoney
			return nil
		}
		return &ExprError{n.pos, fmt.Sprintf("cannot compare a %s with the number %s", want, n.name)}
	}
	if n.t != want {
		return &ExprError{n.pos, fmt.Sprintf("cannot compare a %s with a %s", want, n.t)}
	}
	return nil
}

func (p *parser) primary() (*node, error) {
	t := p.tok
	switch t.kind {
	case tkNum:
		p.next()
		return &node{op: "lit", t: tNumLit, name: t.text, pos: t.pos}, nil
	case tkStr:
		p.next()
		return &node{op: "lit", t: tStr, lit: value{s: t.text}, pos: t.pos}, nil
	case tkBad:
		if t.text == "unterminated string" {
			return nil, p.errf("unterminated string")
		}
		return nil, p.errf("unexpected character %q", t.text)
	case tkEOF:
		return nil, p.errf("the expression ends too early")
	case tkIdent:
		p.next()
		switch t.text {
		case "true", "false":
			return &node{op: "lit", t: tBool, lit: boolv(t.text == "true"), pos: t.pos}, nil
		case "and", "or", "not", "in":
			return nil, &ExprError{t.pos, fmt.Sprintf("“%s” needs something before it", t.text)}
		}
		if p.isOp("(") {
			f, ok := funcs[t.text]
			if !ok {
				return nil, &ExprError{t.pos, fmt.Sprintf("unknown function %s (known: outcome, reachable)", t.text)}
			}
			p.next()
			n := &node{op: "call", t: f.ret, name: t.text, pos: t.pos}
			for !p.isOp(")") {
				if len(n.kids) > 0 {
					if !p.isOp(",") {
						return nil, p.errf("want , or ) in the arguments of %s, got %s", t.text, p.tok)
					}
					p.next()
				}
				a, err := p.expr(0)
				if err != nil {
					return nil, err
				}
				n.kids = append(n.kids, a)
			}
			p.next()
			if len(n.kids) != len(f.args) {
				return nil, &ExprError{t.pos, fmt.Sprintf("%s takes %d argument(s), got %d", t.text, len(f.args), len(n.kids))}
			}
			for i, a := range n.kids {
				if a.t != f.args[i] {
					return nil, &ExprError{a.pos, fmt.Sprintf("argument %d of %s must be a %s", i+1, t.text, f.args[i])}
				}
				if a.op != "lit" {
					return nil, &ExprError{a.pos, fmt.Sprintf("argument %d of %s must be a literal string", i+1, t.text)}
				}
			}
			if t.text == "reachable" {
				if _, ok := channelKinds[n.kids[0].lit.s]; !ok {
					return nil, &ExprError{n.kids[0].pos, fmt.Sprintf("unknown channel %q (want sms, email, whatsapp, voice, call or letter)", n.kids[0].lit.s)}
				}
			}
			return n, nil
		}
		v, ok := vars[t.text]
		if !ok {
			return nil, &ExprError{t.pos, fmt.Sprintf("unknown variable %s (known: %s)", t.text, varNames())}
		}
		return &node{op: "var", t: v.t, name: t.text, pos: t.pos, get: v.get}, nil
	case tkOp:
		switch t.text {
		case "(":
			p.next()
			n, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, p.errf("want ), got %s", p.tok)
			}
			p.next()
			return n, nil
		case "[":
			p.next()
			n := &node{op: "list", t: tList, pos: t.pos}
			for !p.isOp("]") {
				if len(n.kids) > 0 {
					if !p.isOp(",") {
						return nil, p.errf("want , or ] in the list, got %s", p.tok)
					}
					p.next()
				}
				if len(n.kids) >= 200 {
					return nil, p.errf("list longer than 200 items")
				}
				k, err := p.primary()
				if err != nil {
					return nil, err
				}
				if k.op != "lit" {
					return nil, &ExprError{k.pos, "lists hold literal values only"}
				}
				n.kids = append(n.kids, k)
			}
			p.next()
			return n, nil
		}
	}
	return nil, p.errf("unexpected %s", t)
}

func varNames() string {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	return strings.Join(names, ", ")
}
