package domain

import (
	"testing"

	"github.com/regua/regua/internal/date"
)

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"José  da Conceição":  "jose da conceicao",
		"ÁGUA Ñandú":          "agua nandu",
		"  maria ":            "maria",
		"Müller-Lüdenscheidt": "muller-ludenscheidt",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInstallmentDPD(t *testing.T) {
	asOf := date.New(2026, 11, 24)
	tests := []struct {
		in   Installment
		want int
	}{
		{Installment{DueDate: date.New(2026, 11, 17), Amount: 1000, Status: InstallmentOpen}, 7},
		{Installment{DueDate: date.New(2026, 11, 24), Amount: 1000, Status: InstallmentOpen}, 0},
		{Installment{DueDate: date.New(2026, 12, 24), Amount: 1000, Status: InstallmentOpen}, 0},
		{Installment{DueDate: date.New(2026, 8, 26), Amount: 1000, Paid: 1000, Status: InstallmentPaid}, 0},
		{Installment{DueDate: date.New(2026, 8, 26), Amount: 1000, Paid: 400, Status: InstallmentPartial}, 90},
	}
	for _, tt := range tests {
		if got := tt.in.DPD(asOf); got != tt.want {
			t.Errorf("DPD(%+v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestStatusFor(t *testing.T) {
	if StatusFor(100, 0) != InstallmentOpen || StatusFor(100, 50) != InstallmentPartial || StatusFor(100, 100) != InstallmentPaid || StatusFor(100, 150) != InstallmentPaid {
		t.Error("StatusFor")
	}
}

func TestDelayReason(t *testing.T) {
	if !ReasonDefective.CreditorFault() || !ReasonWrongDelivery.CreditorFault() || !ReasonBillingError.CreditorFault() || ReasonUnemployment.CreditorFault() {
		t.Error("CreditorFault")
	}
	if DelayReason("nope").Valid() || !ReasonNone.Valid() || !ReasonForgot.Valid() {
		t.Error("Valid")
	}
}

func TestRoles(t *testing.T) {
	if !RoleAdmin.AtLeast(RoleSupervisor) || RoleAgent.AtLeast(RoleSupervisor) || Role("x").Valid() {
		t.Error("roles")
	}
}
