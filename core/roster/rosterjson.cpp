#include "rosterjson.h"

#include "roster.h"

#include <QDateTime>
#include <QTimeZone>
#include <nlohmann/json.hpp>

namespace tt {

using nlohmann::json;

namespace {

std::string s(const QString &q)
{
    return q.toStdString();
}

json list(const QStringList &l)
{
    json a = json::array();
    for (const QString &e : l)
        a.push_back(s(e));
    return a;
}

json iso(qint64 ms)
{
    if (ms == 0)
        return nullptr;
    return s(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
}

json opt(const QString &q)
{
    return q.isEmpty() ? json(nullptr) : json(s(q));
}

} // namespace

json rosterJson(const Roster &roster)
{
    json teachers = json::array();
    for (const TeacherDraft &t : roster.teachers)
        teachers.push_back({{"email", s(t.email)},
                            {"displayName", opt(t.displayName)},
                            {"role", s(t.role)},
                            {"isSpecialist", t.isSpecialist},
                            {"incidents", t.incidents},
                            {"commendations", t.commendations},
                            {"classes", list(t.classes)}});
    json classrooms = json::array();
    for (const ClassroomDraft &c : roster.classrooms)
        classrooms.push_back({{"code", s(c.code)},
                              {"name", s(c.name)},
                              {"homeroomTeacherEmail", opt(c.homeroomTeacherEmail)},
                              {"specialistEmails", list(c.specialistEmails)},
                              {"students", c.students}});
    json students = json::array();
    for (const StudentDraft &st : roster.students) {
        json history = json::array();
        for (const ClassStint &h : st.classHistory)
            history.push_back(
                {{"classCode", s(h.classCode)}, {"from", iso(h.firstMs)}, {"to", iso(h.lastMs)}, {"logs", h.logs}});
        students.push_back({{"studentId", s(st.studentId)},
                            {"firstName", s(st.firstName)},
                            {"lastName", s(st.lastName)},
                            {"classCode", opt(st.classCode)},
                            {"guardians", opt(st.guardians)},
                            {"notes", opt(st.notes)},
                            {"nameVariants", list(st.nameVariants)},
                            {"classHistory", history}});
    }
    json conflicts = json::array();
    for (const Conflict &c : roster.conflicts)
        conflicts.push_back({{"kind", s(c.kind)},
                             {"subject", s(c.subject)},
                             {"detail", s(c.detail)},
                             {"needsDecision", c.needsDecision},
                             {"settledBy", opt(c.settledBy)}});
    return json{{"teachers", teachers},
                {"classrooms", classrooms},
                {"students", students},
                {"links",
                 {{"total", roster.summary.total},
                  {"student", roster.summary.student},
                  {"classroom", roster.summary.classroom},
                  {"teacher", roster.summary.teacher}}},
                {"conflicts", conflicts}};
}

} // namespace tt
