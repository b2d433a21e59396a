package engine

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// sink is a minimal SMTP server: it takes every message (or refuses every recipient) and keeps
// what it received.
type sink struct {
	ln     net.Listener
	refuse bool
	mu     sync.Mutex
	got    []string // each message's DATA
}

func newSink(t *testing.T, refuse bool) *sink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{ln: ln, refuse: refuse}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "MAIL"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT"):
			if s.refuse {
				say("550 no such mailbox")
			} else {
				say("250 ok")
			}
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.got = append(s.got, data.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// With --smtp, queued cadence emails are delivered over SMTP outside any transaction and marked
// delivered; a server that refuses them leaves each marked failed with its reason.
func TestDeliverOverSMTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, refuse := range []bool{false, true} {
			db := storetest.OpenDSN(t, storetest.DSN(t, b), store.Options{})
			ctx := context.Background()
			var org crm.Org
			if err := db.Write(ctx, func(tx crm.Tx) error {
				var err error
				if org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
					return err
				}
				for i, to := range []string{"ada@example.com", "bob@example.com"} {
					id, err := tx.NewID(ctx)
					if err != nil {
						return err
					}
					if err := tx.InsertMessage(ctx, crm.Message{ID: id, OrgID: org.ID, EnrollmentID: int64(i + 1), CadenceID: 1,
						FollowUpID: "f", Module: "Leads", RecordID: int64(i + 1), Channel: "email", To: to, Subject: "Hello\r\nBcc: x",
						Body: "Dear " + to, Sent: time.Unix(1_900_000_000, 0), Delivery: crm.DeliveryQueued}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			s := newSink(t, refuse)
			e := &Engine{Store: db, SMTP: s.ln.Addr().String()}
			if err := e.deliver(ctx); err != nil {
				t.Fatal(err)
			}
			var ms []crm.Message
			if err := db.Read(ctx, func(tx crm.Tx) error {
				var err error
				ms, err = tx.Messages(ctx, crm.MessageFilter{OrgID: org.ID})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(ms) != 2 {
				t.Fatalf("messages = %+v", ms)
			}
			for _, m := range ms {
				want := crm.DeliverySent
				if refuse {
					want = `failed: 550 "no such mailbox"` // net/smtp quotes the server's text
				}
				if m.Delivery != want {
					t.Errorf("refuse=%v: %s delivery = %q, want %q", refuse, m.To, m.Delivery, want)
				}
			}
			s.mu.Lock()
			got := s.got
			s.mu.Unlock()
			if refuse {
				if len(got) != 0 {
					t.Errorf("a refused message arrived: %q", got)
				}
				continue
			}
			if len(got) != 2 || !strings.Contains(got[0], "To: ada@example.com\r\n") || !strings.Contains(got[0], "Subject: Hello  Bcc: x\r\n") ||
				!strings.Contains(got[0], "\r\n\r\nDear ada@example.com") || !strings.Contains(got[1], "To: bob@example.com\r\n") {
				t.Errorf("received %q", got)
			}
			// Delivered messages are not sent again.
			if err := e.deliver(ctx); err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			again := len(s.got)
			s.mu.Unlock()
			if again != 2 {
				t.Errorf("%d messages after a second pass, want 2", again)
			}
		}
	})
}
