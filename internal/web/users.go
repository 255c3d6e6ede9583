package web

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

type usersView struct {
	Users []domain.User
	Roles []domain.Role
	Form  userForm
	Error string
	Self  int64
}

type userForm struct {
	Name, Email, Role, Locale string
}

var roles = []domain.Role{domain.RoleAgent, domain.RoleSupervisor, domain.RoleAdmin}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, c *Ctx, status int, f userForm, errMsg string) {
	us, err := s.st.Users(r.Context(), c.Tenant())
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	if f.Role == "" {
		f.Role = string(domain.RoleAgent)
	}
	if f.Locale == "" {
		f.Locale = c.L.Locale
	}
	s.render(w, r, c, status, "users", "users.title", usersView{Users: us, Roles: roles, Form: f, Error: errMsg, Self: c.User.ID})
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, c *Ctx) {
	s.usersPage(w, r, c, http.StatusOK, userForm{}, "")
}

// NewUser builds a user with a hashed password, checking what the users
// page checks; `regua demo` and tests create users through it too.
func NewUser(name, email string, role domain.Role, locale, password string) (domain.User, error) {
	u := domain.User{Name: strings.TrimSpace(name), Email: strings.ToLower(strings.TrimSpace(email)), Role: role, Locale: matchLocale(locale)}
	if u.Name == "" || utf8.RuneCountInString(u.Name) > 200 {
		return u, errUserName
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		return u, errUserEmail
	}
	if !role.Valid() {
		return u, errUserRole
	}
	if u.Locale == "" {
		u.Locale = DefaultLocale
	}
	h, err := HashPassword(password)
	if err != nil {
		return u, err
	}
	u.PasswordHash = h
	return u, nil
}

var (
	errUserName  = errors.New("user: name empty or longer than 200 characters")
	errUserEmail = errors.New("user: not a valid e-mail address")
	errUserRole  = errors.New("user: unknown role")
)

// userErrKey maps a NewUser/HashPassword error to its catalog message.
func userErrKey(err error) string {
	switch {
	case errors.Is(err, errUserName):
		return "users.err_name"
	case errors.Is(err, errUserEmail):
		return "users.err_email"
	case errors.Is(err, errUserRole):
		return "users.err_role"
	case errors.Is(err, ErrPasswordTooShort):
		return "users.err_password_short"
	case errors.Is(err, ErrPasswordTooLong):
		return "users.err_password_long"
	}
	return ""
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, c *Ctx) {
	f := userForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Role: r.PostFormValue("role"), Locale: r.PostFormValue("locale")}
	u, err := NewUser(f.Name, f.Email, domain.Role(f.Role), f.Locale, r.PostFormValue("password"))
	if err != nil {
		if k := userErrKey(err); k != "" {
			s.usersPage(w, r, c, http.StatusUnprocessableEntity, f, c.L.T(k))
			return
		}
		s.internal(w, r, c, err)
		return
	}
	u, err = s.st.CreateUser(r.Context(), c.Tenant(), u)
	if errors.Is(err, store.ErrConflict) {
		s.usersPage(w, r, c, http.StatusConflict, f, c.L.T("users.err_taken"))
		return
	} else if err != nil {
		s.internal(w, r, c, err)
		return
	}
	s.log.Info("user created", "tenant", c.Tenant(), "user", u.ID, "role", u.Role, "by", c.User.ID)
	s.flash(w, "user_saved")
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

// updateUser changes a user's role, turns the account on or off, or sets
// a new password. An admin cannot demote or disable themself, so a tenant
// never loses its last way in by accident.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, c *Ctx) {
	u, err := s.st.User(r.Context(), c.Tenant(), pathID(r, "id"))
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	self := u.ID == c.User.ID
	if v := r.PostFormValue("role"); v != "" {
		role := domain.Role(v)
		if !role.Valid() {
			s.usersPage(w, r, c, http.StatusUnprocessableEntity, userForm{}, c.L.T("users.err_role"))
			return
		}
		if self && role != u.Role {
			s.usersPage(w, r, c, http.StatusUnprocessableEntity, userForm{}, c.L.T("users.err_self"))
			return
		}
		u.Role = role
	}
	switch r.PostFormValue("active") {
	case "0":
		if self {
			s.usersPage(w, r, c, http.StatusUnprocessableEntity, userForm{}, c.L.T("users.err_self"))
			return
		}
		u.Disabled = true
	case "1":
		u.Disabled = false
	}
	if pw := r.PostFormValue("password"); pw != "" {
		h, err := HashPassword(pw)
		if err != nil {
			s.usersPage(w, r, c, http.StatusUnprocessableEntity, userForm{}, c.L.T(userErrKey(err)))
			return
		}
		u.PasswordHash = h
	}
	if err := s.st.UpdateUser(r.Context(), c.Tenant(), u); err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	s.log.Info("user updated", "tenant", c.Tenant(), "user", u.ID, "role", u.Role, "disabled", u.Disabled, "by", c.User.ID)
	s.flash(w, "user_saved")
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}
