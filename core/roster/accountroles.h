#pragma once
// Roles from the deployment's own account lists (TrackTally's .env: ADMIN_EMAILS, SUPER_ADMIN_EMAILS), applied to
// a built roster as one stage after RosterBuilder::build:
// - a teacher listed in ADMIN_EMAILS gets role "admin", settled (settledBy "adminEmails", evidence "listed in
//   ADMIN_EMAILS of FILE"); a listed administrator who never logged is added as an admin account;
// - an address in SUPER_ADMIN_EMAILS (TrackTally's operators, not school staff) never becomes a Teacher row unless
//   it logged records itself: then it stays a teacher of this school, flagged for review (a question);
// - without lists, a teacher whose logs reach most classes with few logs per class (as an administrator's do)
//   is suggested as admin, as a question, never settled.
// The administrator's own role decision always wins.
#include "records/incidentrecord.h"
#include "roster/recordview.h"
#include "roster/roster.h"
#include "roster/rosterdecisions.h"
#include "roster/schoolrecords.h"

#include <vector>

namespace tt {

struct AdminSuggestionRules
{
    int minClasses = 3;             // the school has at least this many classes ...
    double minClassShare = 0.6;     // ... and the teacher's logs reach at least this share of them ...
    double maxPerClassRatio = 0.1;  // ... with logs per class at most this fraction of the school's per class
};

// accepted: the records the roster was built from (parallel to roster.links).
void applyAccountRoles(Roster &roster, RecordView accepted, const AccountLists &lists,
                       const RosterDecisions &decisions, const AdminSuggestionRules &rules = {});

} // namespace tt
