-- TrackTally migration 3 of 4: mobile auth ticket (unrelated to the roster).

CREATE TABLE "MobileAuthTicket" (
    "id" TEXT NOT NULL,
    "ticket" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MobileAuthTicket_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "MobileAuthTicket_ticket_key" ON "MobileAuthTicket"("ticket");
