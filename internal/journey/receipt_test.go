package journey

import (
	"reflect"
	"testing"
	"time"
)

func TestRenderReceipt(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC) // 24/11 23:30 in São Paulo
	one := ReceiptPayload{Payments: []ReceiptLine{{PaymentID: 1, Amount: 150000, PaidAt: at, Source: "boleto", Contract: "C-9", Number: 2}}}
	two := ReceiptPayload{Payments: []ReceiptLine{
		{PaymentID: 1, Amount: 150000, PaidAt: at, Source: "boleto", Contract: "C-9", Number: 2},
		{PaymentID: 2, Amount: 2550, PaidAt: at.Add(24 * time.Hour), Source: "pix", AgreementID: 7, Number: 1},
	}}
	for _, c := range []struct {
		name, locale, channel string
		r                     ReceiptPayload
		want                  Rendered
	}{
		{"pt e-mail", "pt-BR", "email", one, Rendered{Locale: "pt-BR", Subject: "Pagamento recebido",
			Body: "Recebemos o seu pagamento de R$ 1.500,00 em 24/11/2026 (contrato C-9, parcela 2). Obrigado!"}},
		{"unknown language is pt", "", "sms", one, Rendered{Locale: "pt-BR",
			Body: "Recebemos o seu pagamento de R$ 1.500,00 em 24/11/2026 (contrato C-9, parcela 2). Obrigado!"}},
		{"es two payments", "es-AR", "sms", two, Rendered{Locale: "es",
			Body: "Recibimos sus pagos, por un total de R$ 1.525,50: R$ 1.500,00 el 24/11/2026 (contrato C-9, cuota 2); R$ 25,50 el 25/11/2026 (acuerdo 7, cuota 1). ¡Gracias!"}},
		{"down payment of an agreement", "pt-BR", "sms", ReceiptPayload{Payments: []ReceiptLine{{PaymentID: 3, Amount: 10000, PaidAt: at, Source: "pix", AgreementID: 7}}},
			Rendered{Locale: "pt-BR", Body: "Recebemos o seu pagamento de R$ 100,00 em 24/11/2026 (acordo 7, entrada). Obrigado!"}},
		{"en whatsapp", "en", "whatsapp", one, Rendered{Locale: "en", WhatsApp: ReceiptTemplate, Params: []string{"R$1,500.00", "2026-11-24"},
			Body: "We received your payment of R$1,500.00 on 2026-11-24 (contract C-9, installment 2). Thank you!"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := RenderReceipt(c.locale, c.channel, c.r, nil); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}
