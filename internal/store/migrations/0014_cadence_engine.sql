-- The cadence engine (crm/engine*.go). One row per follow-up of an enrolment once it is scheduled:
-- pending (runs at due_ms), waiting (for its trigger: the parent's task or call completed, its email
-- replied), done (ran: result_id names the task, call or message it made), failed (error says why), cancelled. The primary
-- key makes a follow-up run at most once per enrolment.
CREATE TABLE cadence_steps (
    org_id        BIGINT NOT NULL,
    enrollment_id BIGINT NOT NULL,
    follow_up_id  TEXT   NOT NULL,
    cadence_id    BIGINT NOT NULL,
    record_id     BIGINT NOT NULL,
    state         TEXT   NOT NULL,
    due_ms        BIGINT NOT NULL, -- pending: when it runs; waiting: when it was scheduled
    parent_result BIGINT,          -- waiting: the parent's task, call or message whose event it waits for
    result_id     BIGINT,          -- done: what it made
    executed_ms   BIGINT,
    error         TEXT,            -- failed: why
    PRIMARY KEY (enrollment_id, follow_up_id)
);
CREATE INDEX cadence_steps_due ON cadence_steps (state, due_ms);
CREATE INDEX cadence_steps_parent ON cadence_steps (parent_result);
CREATE INDEX cadence_steps_cadence ON cadence_steps (cadence_id, follow_up_id, state);

-- Messages the engine sent (email and WhatsApp follow-ups): the control plane's outbox.
CREATE TABLE cadence_messages (
    id            BIGINT NOT NULL PRIMARY KEY,
    org_id        BIGINT NOT NULL,
    enrollment_id BIGINT NOT NULL,
    cadence_id    BIGINT NOT NULL,
    follow_up_id  TEXT   NOT NULL,
    module        TEXT   NOT NULL,
    record_id     BIGINT NOT NULL,
    channel       TEXT   NOT NULL, -- email | whatsapp
    to_addr       TEXT   NOT NULL,
    subject       TEXT   NOT NULL,
    body          TEXT   NOT NULL,
    sent_ms       BIGINT NOT NULL,
    replied_ms    BIGINT,
    delivery      TEXT   NOT NULL  -- outbox (kept here) | queued (for --smtp) | delivered | failed: <reason>
);
CREATE INDEX cadence_messages_org ON cadence_messages (org_id, sent_ms);
CREATE INDEX cadence_messages_delivery ON cadence_messages (delivery);
