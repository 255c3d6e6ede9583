package pixpsp

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/regua/regua/internal/pix/qr"
	"github.com/regua/regua/internal/pixapi"
)

// startPayloadHost listens for the payers' banks: GET /qr/v2/{token} (cob),
// GET /qr/v2/cobv/{token}?cidadeCodigo=&DPP= (cobv) and GET /jwks, over TLS
// with the payload signer's certificate and no client certificate.
func (s *Server) startPayloadHost() error {
	signer := s.opts.PayloadSigner
	key, ok := signer.PrivateKey.(*rsa.PrivateKey)
	if !ok {
		return errors.New("pixpsp: the payload signer needs an RSA key (payloads are signed PS256)")
	}
	for _, der := range signer.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("pixpsp: payload signer: %w", err)
		}
		s.signerChain = append(s.signerChain, c)
	}
	s.signer = key
	addr := s.opts.PayloadAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.payloadHost = ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /qr/v2/{token}", s.servePayload("cob"))
	mux.HandleFunc("GET /qr/v2/cobv/{token}", s.servePayload("cobv"))
	mux.HandleFunc("GET /jwks", s.serveJWKS)
	cfg := &tls.Config{Certificates: []tls.Certificate{signer}, MinVersion: tls.VersionTLS12}
	s.payloadSrv = &http.Server{Handler: mux, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go s.payloadSrv.Serve(tls.NewListener(ln, cfg))
	return nil
}

// PayloadHost is host:port of the payload host ("" when not served).
func (s *Server) PayloadHost() string { return s.payloadHost }

func (s *Server) jku() string { return "https://" + s.payloadHost + "/jwks" }

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	k, err := pixapi.JWKFor(s.signerChain)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, pixapi.JWKSet{Keys: []pixapi.JWK{k}})
}

// servePayload answers a payer's bank with the charge at the location as a
// signed JWS: the charge as it is now (any status: the payer's bank refuses
// what is not ATIVA), presented now, and for a cobv the amount due on the
// intended payment date (DPP, today when absent).
func (s *Server) servePayload(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		location := s.payloadHost + r.URL.Path
		q := r.URL.Query()
		now := s.opts.Now()
		day := now
		if kind == "cobv" {
			if v := q.Get("DPP"); v != "" {
				d, err := pixapi.ParseDate(v)
				if err != nil {
					pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "PayloadLocationConsultaInvalida", "DPP: want yyyy-mm-dd", pixapi.Violacao{Propriedade: "DPP", Valor: v}))
					return
				}
				day = d
			}
			if v := q.Get("cidadeCodigo"); v != "" {
				if err := pixapi.CheckCityCode(v); err != nil {
					pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "PayloadLocationConsultaInvalida", err.Error(), pixapi.Violacao{Propriedade: "cidadeCodigo", Valor: v}))
					return
				}
			}
		}
		p, err := s.payload(location, kind, now, day)
		if err != nil {
			pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "PayloadLocationNaoEncontrado", err.Error()))
			return
		}
		jku := s.jku()
		chain := s.signerChain
		body, err := pixapi.SignPayload(p, s.signer, chain, jku, !s.opts.PayloadJKUOnly)
		if err != nil {
			pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", err.Error()))
			return
		}
		w.Header().Set("Content-Type", "application/jose")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}
}

func (s *Server) payload(location, kind string, now, day time.Time) (*pixapi.Payload, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byLocation[location]
	if !ok || s.locs[id].TipoCob != kind {
		return nil, fmt.Errorf("no location %s", location)
	}
	c := s.cobs[s.locs[id].TxID]
	if c == nil {
		return nil, fmt.Errorf("location %s has no charge", location)
	}
	shown := now.UTC().Truncate(time.Second)
	if kind == "cob" {
		cob := c.cob
		return &pixapi.Payload{
			Revisao:    cob.Revisao,
			Calendario: pixapi.PayloadCalendario{Criacao: cob.Calendario.Criacao, Apresentacao: shown, Expiracao: cob.Calendario.Expiracao},
			Devedor:    cob.Devedor, Valor: pixapi.PayloadValor{Original: cob.Valor.Original, ModalidadeAlteracao: cob.Valor.ModalidadeAlteracao},
			Chave: cob.Chave, TxID: cob.TxID, SolicitacaoPagador: cob.SolicitacaoPagador, InfoAdicionais: cob.InfoAdicionais, Status: cob.Status,
		}, nil
	}
	v := c.cobv
	due, err := v.Valor.AmountDue(v.Calendario, day, s.opts.BusinessDay)
	if err != nil {
		return nil, fmt.Errorf("charge %s on %s: %w", v.TxID, day.Format("2006-01-02"), err)
	}
	return &pixapi.Payload{
		Revisao: v.Revisao,
		Calendario: pixapi.PayloadCalendario{Criacao: v.Calendario.Criacao, Apresentacao: shown,
			DataDeVencimento: v.Calendario.DataDeVencimento, ValidadeAposVencimento: v.Calendario.ValidadeAposVencimento},
		Devedor: v.Devedor, Recebedor: v.Recebedor,
		Valor: pixapi.PayloadValor{Original: v.Valor.Original, Multa: v.Valor.Multa, Juros: v.Valor.Juros, Abatimento: v.Valor.Abatimento, Desconto: v.Valor.Desconto, Final: due.Final},
		Chave: v.Chave, TxID: v.TxID, SolicitacaoPagador: v.SolicitacaoPagador, InfoAdicionais: v.InfoAdicionais, Status: v.Status,
	}, nil
}

// unlinkCharge frees the location a charge had, if any. The caller holds
// s.mu.
func (s *Server) unlinkCharge(c *charge) {
	var loc *pixapi.Loc
	if c.kind == "cob" {
		loc = c.cob.Loc
	} else {
		loc = c.cobv.Loc
	}
	if loc != nil {
		if l := s.locs[loc.ID]; l != nil {
			l.TxID = ""
		}
	}
}

func (s *Server) postLoc(w http.ResponseWriter, r *http.Request) {
	var req pixapi.LocRequest
	if err := decodeBody(r, &req); err != nil || req.TipoCob != "cob" && req.TipoCob != "cobv" {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "PayloadLocationOperacaoInvalida", "Location inválida.", pixapi.Violacao{Razao: "O campo tipoCob não respeita o schema.", Propriedade: "tipoCob"}))
		return
	}
	s.mu.Lock()
	loc := *s.newLoc(req.TipoCob)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, loc)
}

// locByID finds the location of the request's {id}; it answers the
// request itself when there is none. The caller holds s.mu.
func (s *Server) locByID(w http.ResponseWriter, r *http.Request) *pixapi.Loc {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	loc := s.locs[id]
	if err != nil || loc == nil {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "PayloadLocationNaoEncontrado", "Location não encontrada para o id informado."))
		return nil
	}
	return loc
}

func (s *Server) getLoc(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc := s.locByID(w, r); loc != nil {
		writeJSON(w, http.StatusOK, loc)
	}
}

func (s *Server) getLocQRCode(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	loc := s.locByID(w, r)
	if loc == nil {
		s.mu.Unlock()
		return
	}
	code, err := s.brCode(loc)
	s.mu.Unlock()
	if err != nil {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", err.Error()))
		return
	}
	png, err := qr.PNG(code, 0)
	if err != nil {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, pixapi.LocQRCode{QRCode: code, ImagemQRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
}

// unlinkLoc serves DELETE /loc/{id}/txid: the charge loses its location
// (and its copia-e-cola) and the location serves nothing until linked again.
func (s *Server) unlinkLoc(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.locByID(w, r)
	if loc == nil {
		return
	}
	if c := s.cobs[loc.TxID]; c != nil {
		if c.kind == "cob" {
			c.cob.Loc, c.cob.Location, c.cob.PixCopiaECola = nil, "", ""
		} else {
			c.cobv.Loc, c.cobv.PixCopiaECola = nil, ""
		}
	}
	loc.TxID = ""
	writeJSON(w, http.StatusOK, loc)
}
