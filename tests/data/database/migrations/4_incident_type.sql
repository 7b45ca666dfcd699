-- TrackTally migration 4 of 4: incident type (incident or commendation).

ALTER TABLE "Incident" ADD COLUMN "type" TEXT NOT NULL DEFAULT 'incident';
CREATE INDEX "Incident_type_idx" ON "Incident"("type");
