#include "rosterread.h"

#include "database_p.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::RosterRead", text);
}

// Teachers of the school: its own rows, and those (without an organization, as before organizations
// existed) who are the homeroom or a specialist of one of its classrooms.
const char *const kTeachers = R"SQL(
SELECT t."email", coalesce(t."displayName", ''), t."role", t."isSpecialist", t."active"
FROM "Teacher" t
WHERE t."organizationId" = $1
   OR t."id" IN (SELECT c."homeroomTeacherId" FROM "Classroom" c WHERE c."organizationId" = $1)
   OR t."id" IN (SELECT tc."teacherId" FROM "TeacherClass" tc JOIN "Classroom" c ON c."id" = tc."classroomId"
                 WHERE c."organizationId" = $1)
ORDER BY lower(t."email") COLLATE "C")SQL";

const char *const kClassrooms = R"SQL(
SELECT c."code", c."name", c."archived", coalesce(h."email", ''),
       coalesce(string_agg(s."email", ';' ORDER BY lower(s."email") COLLATE "C"), '')
FROM "Classroom" c
LEFT JOIN "Teacher" h ON h."id" = c."homeroomTeacherId"
LEFT JOIN "TeacherClass" tc ON tc."classroomId" = c."id"
LEFT JOIN "Teacher" s ON s."id" = tc."teacherId"
WHERE c."organizationId" = $1
GROUP BY c."id", c."code", c."name", c."archived", h."email"
ORDER BY c."code" COLLATE "C")SQL";

const char *const kStudents = R"SQL(
SELECT st."studentId", st."firstName", st."lastName", coalesce(c."code", ''), coalesce(st."guardians", ''),
       coalesce(st."notes", ''), st."active"
FROM "Student" st LEFT JOIN "Classroom" c ON c."id" = st."classroomId"
WHERE st."organizationId" = $1
ORDER BY st."studentId" COLLATE "C")SQL";

} // namespace

RosterSnapshot readRosterFromDatabase(Database &db, const QString &domain)
{
    RosterSnapshot s;
    s.domain = domain;
    s.takenAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    try {
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*db.d()->conn);
        s.database = fromField(tx.exec1("SELECT current_database()")[0]);
        const pqxx::result org = tx.exec_params(R"(SELECT "id", "name" FROM "Organization" WHERE "domain" = $1)",
                                                toStd(domain));
        if (org.empty())
            throw DatabaseError(tr("The database \"%1\" has no school (Organization) with the domain \"%2\"; nothing "
                                   "was written.").arg(s.database, domain));
        const std::string orgId = org[0][0].c_str();
        s.school = fromField(org[0][1]);
        for (const auto &r : tx.exec_params(kTeachers, orgId)) {
            SnapshotTeacher t;
            t.email = fromField(r[0]).trimmed().toCaseFolded();
            t.displayName = fromField(r[1]);
            t.role = fromField(r[2]);
            t.isSpecialist = r[3].as<bool>();
            t.active = r[4].as<bool>();
            s.teachers.push_back(t);
        }
        for (const auto &r : tx.exec_params(kClassrooms, orgId)) {
            SnapshotClassroom c;
            c.code = fromField(r[0]);
            c.name = fromField(r[1]);
            c.archived = r[2].as<bool>();
            c.homeroomTeacherEmail = fromField(r[3]).trimmed().toCaseFolded();
            for (const QString &e : fromField(r[4]).split(u';', Qt::SkipEmptyParts))
                c.specialistEmails << e.trimmed().toCaseFolded();
            s.classrooms.push_back(c);
        }
        for (const auto &r : tx.exec_params(kStudents, orgId)) {
            SnapshotStudent st;
            st.studentId = fromField(r[0]);
            st.firstName = fromField(r[1]);
            st.lastName = fromField(r[2]);
            st.classCode = fromField(r[3]);
            st.guardians = fromField(r[4]);
            st.notes = fromField(r[5]);
            st.active = r[6].as<bool>();
            s.students.push_back(st);
        }
        db.d()->statements += 5;
    } catch (const UserError &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the school's roster: %1").arg(describeDbError(e)));
    }
    return s;
}

QString describeSnapshotWritten(const RosterSnapshot &s, const QString &dir)
{
    return tr("Roster snapshot of \"%1\" (%2) from database \"%3\" written to %4: %5 teachers, %6 classrooms, "
              "%7 students (readable by you only).")
        .arg(s.school, s.domain, s.database, QDir(dir).absolutePath())
        .arg(s.teachers.size())
        .arg(s.classrooms.size())
        .arg(s.students.size());
}

QJsonObject snapshotWrittenJson(const RosterSnapshot &s, const QString &dir)
{
    return QJsonObject{{QStringLiteral("school"), s.school},
                       {QStringLiteral("domain"), s.domain},
                       {QStringLiteral("database"), s.database},
                       {QStringLiteral("takenAt"), s.takenAt},
                       {QStringLiteral("dir"), QDir(dir).absolutePath()},
                       {QStringLiteral("teachers"), qint64(s.teachers.size())},
                       {QStringLiteral("classrooms"), qint64(s.classrooms.size())},
                       {QStringLiteral("students"), qint64(s.students.size())}};
}

} // namespace tt
