#pragma once
// The rebuilt roster as JSON, for machines (the report command, scripts). Dates are ISO 8601 UTC.
#include <nlohmann/json_fwd.hpp>

namespace tt {

struct Roster;

// {teachers: [{email, displayName, role, isSpecialist, incidents, commendations, classes}],
//  classrooms: [{code, name, homeroomTeacherEmail, specialistEmails, students}],
//  students: [{studentId, firstName, lastName, classCode, guardians, notes, nameVariants,
//              classHistory: [{classCode, from, to, logs}]}],
//  links: {total, student, classroom, teacher}, conflicts: [{kind, subject, detail}]}
nlohmann::json rosterJson(const Roster &roster);

} // namespace tt
