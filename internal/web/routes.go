package web

import "github.com/regua/regua/internal/domain"

// addCoreRoutes registers the foundation's pages. Later pages register
// theirs the same way (Server.Handle and Server.AddNav) — journeys and
// payments reconciliation for supervisors, the agent workspace for agents,
// the debtors' portal as public routes with their own authentication.
func (s *Server) addCoreRoutes() {
	for _, rt := range []Route{
		{Pattern: "GET /{$}", Role: domain.RoleAgent, Handler: s.home},
		{Pattern: "GET /login", Handler: s.loginForm},
		{Pattern: "POST /login", OwnToken: true, Handler: s.login},
		{Pattern: "POST /logout", Role: domain.RoleAgent, Handler: s.logout},
		{Pattern: "POST /locale", Handler: s.setLocale},

		{Pattern: "GET /portfolios", Role: domain.RoleSupervisor, Handler: s.portfolios},
		{Pattern: "POST /portfolios", Role: domain.RoleSupervisor, Handler: s.createPortfolio},
		{Pattern: "POST /portfolios/{id}/imports", Role: domain.RoleSupervisor, Multipart: true, Handler: s.upload},
		{Pattern: "GET /imports", Role: domain.RoleSupervisor, Handler: s.imports},
		{Pattern: "GET /imports/{id}", Role: domain.RoleSupervisor, Handler: s.importResult},
		{Pattern: "GET /imports/{id}/rejects.csv", Role: domain.RoleSupervisor, Handler: s.rejectsCSV},

		{Pattern: "GET /debtors", Role: domain.RoleAgent, Handler: s.search},
		{Pattern: "GET /debtors/{id}", Role: domain.RoleAgent, Handler: s.debtor},
		{Pattern: "POST /debtors/{id}/debts/{debt}/delay-reason", Role: domain.RoleAgent, Handler: s.setDelayReason},
		{Pattern: "POST /debtors/{id}/contacts/{contact}/consent", Role: domain.RoleAgent, Handler: s.setConsent},

		{Pattern: "GET /users", Role: domain.RoleAdmin, Handler: s.users},
		{Pattern: "POST /users", Role: domain.RoleAdmin, Handler: s.createUser},
		{Pattern: "POST /users/{id}", Role: domain.RoleAdmin, Handler: s.updateUser},
	} {
		s.Handle(rt)
	}
	s.AddNav(NavItem{Label: "nav.debtors", Path: "/debtors", Role: domain.RoleAgent, Order: 10})
	s.AddNav(NavItem{Label: "nav.portfolios", Path: "/portfolios", Role: domain.RoleSupervisor, Order: 20})
	s.AddNav(NavItem{Label: "nav.imports", Path: "/imports", Role: domain.RoleSupervisor, Order: 30})
	// Orders 40–80 are left for journeys, the agent workspace and payments.
	s.AddNav(NavItem{Label: "nav.users", Path: "/users", Role: domain.RoleAdmin, Order: 90})
	s.addJourneyPages()
}
