-- Issue 3: cancellation, leader PIN, the role in audit events.
-- Same dialect rules as V1: SQL that both H2 2.x and PostgreSQL 15 accept.

-- 'booked' or 'cancelled'. A cancelled meeting keeps its row (and its conference id stays reserved for the
-- retention window) so that the audit trail and the visit record still have something to point at.
ALTER TABLE meetings ADD COLUMN status VARCHAR(16) DEFAULT 'booked' NOT NULL;
ALTER TABLE meetings ADD COLUMN cancelled_at TIMESTAMP WITH TIME ZONE;
-- PBKDF2 of the 6-digit leader PIN, self-describing: pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>.
-- Meetings booked before this migration have none and accept no PIN.
ALTER TABLE meetings ADD COLUMN leader_pin_hash VARCHAR(200);

-- For the time-window listing of the booking API.
CREATE INDEX meetings_starts_at ON meetings (starts_at, meeting_id);

-- The participant's role at the time of the event ('clinician', ...), null for meeting-level events.
ALTER TABLE audit_events ADD COLUMN role VARCHAR(16);
-- PIN lockout counts recent pin_failed events of one meeting.
CREATE INDEX audit_events_meeting_type ON audit_events (meeting_id, event_type, occurred_at);
