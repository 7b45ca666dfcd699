-- TrackTally migration 2 of 4: organizations. Organization.updatedAt defaults to now here (unlike the model);
-- a row "legacy-org" is inserted and every pre-existing row is assigned to it.

CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Organization_domain_key" ON "Organization"("domain");

INSERT INTO "Organization" ("id", "name", "domain") VALUES ('legacy-org', 'Legacy School', 'legacy.local');

ALTER TABLE "Teacher" ADD COLUMN "organizationId" TEXT;
ALTER TABLE "Classroom" ADD COLUMN "organizationId" TEXT;
ALTER TABLE "Student" ADD COLUMN "organizationId" TEXT;
ALTER TABLE "Incident" ADD COLUMN "organizationId" TEXT;

UPDATE "Teacher" SET "organizationId" = 'legacy-org' WHERE "organizationId" IS NULL;
UPDATE "Classroom" SET "organizationId" = 'legacy-org' WHERE "organizationId" IS NULL;
UPDATE "Student" SET "organizationId" = 'legacy-org' WHERE "organizationId" IS NULL;
UPDATE "Incident" SET "organizationId" = 'legacy-org' WHERE "organizationId" IS NULL;

ALTER TABLE "Classroom" ALTER COLUMN "organizationId" SET NOT NULL;
ALTER TABLE "Student" ALTER COLUMN "organizationId" SET NOT NULL;
ALTER TABLE "Incident" ALTER COLUMN "organizationId" SET NOT NULL;

ALTER TABLE "Teacher" ADD CONSTRAINT "Teacher_organizationId_fkey" FOREIGN KEY ("organizationId")
    REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Classroom" ADD CONSTRAINT "Classroom_organizationId_fkey" FOREIGN KEY ("organizationId")
    REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Student" ADD CONSTRAINT "Student_organizationId_fkey" FOREIGN KEY ("organizationId")
    REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_organizationId_fkey" FOREIGN KEY ("organizationId")
    REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
