#include "recoverywriter.h"

#include "copystream.h"
#include "cuid.h"
#include "database_p.h"

#include "common/errors.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>
#include <QUuid>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::RecoveryWriter", text);
}

// pg_advisory_xact_lock key: "TTRECOVR" as a 64-bit number, shared by every run of this tool.
#define TT_LOCK_KEY "5355244625498428242"
// The current time as timestamp(3) without time zone holding UTC, TrackTally's convention.
#define TT_NOW_UTC "(now() AT TIME ZONE 'UTC')"
constexpr qint64 kProgressStep = 10000;

enum class KeyState { New, Ours, Other };

struct Found
{
    QString orgId;
    QString orgName;
    QString orgDomain;
    QString actual; // the key as the database spells it (emails and class codes are matched ignoring case)
};

// Emails and class codes are compared with existing rows ignoring case: "Jane.Doe@School.org" in the
// database is the roster's "jane.doe@school.org" (TrackTally's unique indexes are case-sensitive, so an
// insert would make a second row). Student ids and uuids are compared exactly.
QString fold(const QString &key)
{
    return key.toLower();
}

struct PlanState
{
    RecoveryPlan plan;
    QHash<QString, Found> teachers, classrooms; // keyed by fold(key)
    QHash<QString, Found> students, incidents;  // keyed by the exact key
    QSet<QString> existingPairs; // "fold(email)\nfold(code)" of TeacherClass rows of this school
    QSet<QString> conflictingTeachers, conflictingClassrooms, conflictingStudents;

    const Found *find(const QHash<QString, Found> &h, const QString &key) const
    {
        const bool folded = &h == &teachers || &h == &classrooms;
        const auto it = h.constFind(folded ? fold(key) : key);
        return it == h.cend() ? nullptr : &*it;
    }
    KeyState classify(const QHash<QString, Found> &h, const QString &key) const
    {
        const Found *f = find(h, key);
        if (!f)
            return KeyState::New;
        return (!plan.organizationId.isEmpty() && f->orgId == plan.organizationId) ? KeyState::Ours : KeyState::Other;
    }
    // How to write a key that may name an existing row of this school: as the database spells it, so the
    // joins of the insert (exact, index-friendly) find that row.
    QString canonical(const QHash<QString, Found> &h, const QString &key) const
    {
        const Found *f = find(h, key);
        return f && classify(h, key) == KeyState::Ours ? f->actual : key;
    }
};

// "2025-11-03 01:23:45.678" for a UTC epoch in milliseconds (days-from-civil inverse, H. Hinnant).
std::string formatTimestamp(qint64 ms)
{
    qint64 secs = ms / 1000;
    int milli = int(ms % 1000);
    if (milli < 0) {
        milli += 1000;
        --secs;
    }
    qint64 days = secs / 86400;
    qint64 rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    qint64 y = yoe + era * 400;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 d = doy - (153 * mp + 2) / 5 + 1;
    const qint64 m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        ++y;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%03d", (long long)y, (long long)m,
                  (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60), milli);
    return buf;
}

const char *opt(const std::string &s)
{
    return s.empty() ? nullptr : s.c_str();
}

QString otherName(const Found &f)
{
    return f.orgId.isEmpty() ? tr("(no school)") : (f.orgName.isEmpty() ? f.orgId : f.orgName);
}

// Every lookup the plan needs, in one round trip.
PlanState computePlan(pqxx::transaction_base &tx, DatabasePrivate *d, const RecoveryInput &in, Progress *progress)
{
    PlanState st;
    RecoveryPlan &plan = st.plan;
    checkCancel(progress);

    QStringList emails, codes, studentIds, uuids;
    for (const TeacherDraft &t : in.roster.teachers)
        emails << fold(t.email);
    QSet<QString> codeSet, idSet;
    for (const ClassroomDraft &c : in.roster.classrooms)
        codeSet.insert(c.code);
    for (const StudentDraft &s : in.roster.students)
        idSet.insert(s.studentId);
    for (const RecordLink &l : in.roster.links) {
        if (!l.classCode.isEmpty())
            codeSet.insert(l.classCode);
        if (!l.studentId.isEmpty())
            idSet.insert(l.studentId);
    }
    for (const QString &c : std::as_const(codeSet))
        codes << fold(c);
    studentIds = QStringList(idSet.begin(), idSet.end());
    uuids.reserve(qsizetype(in.records.size()));
    for (const IncidentRecord &r : in.records)
        uuids << r.uuid;

    const pqxx::row org = tx.exec_params1(
        R"(SELECT current_database(), (SELECT "id" FROM "Organization" WHERE "domain" = $1))", toStd(in.school.domain));
    ++d->statements;
    plan.database = fromField(org[0]);
    plan.organizationId = fromField(org[1]);
    plan.organizationExists = !plan.organizationId.isEmpty();
    checkCancel(progress);

    const pqxx::result rows = tx.exec_params(R"SQL(
SELECT 'T', t."email", t."organizationId", o."name", o."domain"
  FROM "Teacher" t LEFT JOIN "Organization" o ON o."id" = t."organizationId" WHERE lower(t."email") = ANY($1::text[])
UNION ALL
SELECT 'C', c."code", c."organizationId", o."name", o."domain"
  FROM "Classroom" c LEFT JOIN "Organization" o ON o."id" = c."organizationId" WHERE lower(c."code") = ANY($2::text[])
UNION ALL
SELECT 'S', s."studentId", s."organizationId", o."name", o."domain"
  FROM "Student" s LEFT JOIN "Organization" o ON o."id" = s."organizationId" WHERE s."studentId" = ANY($3::text[])
UNION ALL
SELECT 'I', i."uuid", i."organizationId", o."name", o."domain"
  FROM "Incident" i LEFT JOIN "Organization" o ON o."id" = i."organizationId" WHERE i."uuid" = ANY($4::text[])
UNION ALL
SELECT 'P', t."email" || chr(10) || c."code", c."organizationId", NULL, NULL
  FROM "TeacherClass" tc JOIN "Teacher" t ON t."id" = tc."teacherId" JOIN "Classroom" c ON c."id" = tc."classroomId"
  WHERE c."organizationId" = $5 AND t."organizationId" = $5
)SQL",
                                             pgTextArray(emails), pgTextArray(codes), pgTextArray(studentIds),
                                             pgTextArray(uuids), toStd(plan.organizationId));
    ++d->statements;
    for (const auto &row : rows) {
        const char kind = row[0].c_str()[0];
        const QString key = fromField(row[1]);
        const Found f{fromField(row[2]), fromField(row[3]), fromField(row[4]), key};
        switch (kind) {
        case 'T': st.teachers.insert(fold(key), f); break;
        case 'C': st.classrooms.insert(fold(key), f); break;
        case 'S': st.students.insert(key, f); break;
        case 'I': st.incidents.insert(key, f); break;
        case 'P': st.existingPairs.insert(fold(key)); break;
        default: break;
        }
    }
    checkCancel(progress);

    const QString ours = plan.organizationId;
    auto classify = [&](const QHash<QString, Found> &found, const QString &key) {
        return st.classify(found, key);
    };
    auto count = [&](TablePlan &tp, const QHash<QString, Found> &found, const QString &table, const QString &key,
                     QSet<QString> *conflicting) {
        const Found *f = st.find(found, key);
        if (f && f->actual != key)
            plan.caseDifferences.push_back({table, key, f->actual, f->orgId == ours && !ours.isEmpty(),
                                            otherName(*f)});
        switch (classify(found, key)) {
        case KeyState::New: ++tp.toInsert; break;
        case KeyState::Ours: ++tp.existing; break;
        case KeyState::Other: {
            ++tp.conflicting;
            plan.conflicts.push_back({table, key, otherName(*f), f->orgDomain});
            if (conflicting)
                conflicting->insert(key);
            break;
        }
        }
    };

    (plan.organizationExists ? plan.organization.existing : plan.organization.toInsert) = 1;
    for (const TeacherDraft &t : in.roster.teachers)
        count(plan.teachers, st.teachers, QStringLiteral("Teacher"), t.email, &st.conflictingTeachers);
    for (const ClassroomDraft &c : in.roster.classrooms)
        count(plan.classrooms, st.classrooms, QStringLiteral("Classroom"), c.code, &st.conflictingClassrooms);
    for (const StudentDraft &s : in.roster.students)
        count(plan.students, st.students, QStringLiteral("Student"), s.studentId, &st.conflictingStudents);

    QSet<QString> rosterTeachers, rosterClasses, rosterStudents;
    for (const TeacherDraft &t : in.roster.teachers)
        rosterTeachers.insert(t.email);
    for (const ClassroomDraft &c : in.roster.classrooms)
        rosterClasses.insert(c.code);
    for (const StudentDraft &s : in.roster.students)
        rosterStudents.insert(s.studentId);

    for (const ClassroomDraft &c : in.roster.classrooms) {
        for (const QString &email : c.specialistEmails) {
            const bool teacherOk = !st.conflictingTeachers.contains(email)
                && (rosterTeachers.contains(email) || classify(st.teachers, email) == KeyState::Ours);
            const bool classOk = !st.conflictingClassrooms.contains(c.code);
            if (!teacherOk || !classOk)
                ++plan.teacherClasses.conflicting;
            else if (st.existingPairs.contains(fold(email) + u'\n' + fold(c.code)))
                ++plan.teacherClasses.existing;
            else
                ++plan.teacherClasses.toInsert;
        }
    }

    plan.links.resize(in.records.size());
    plan.incidentAccepted.assign(in.records.size(), true);
    QSet<QString> seenUuids;
    for (size_t i = 0; i < in.records.size(); ++i) {
        const IncidentRecord &r = in.records[i];
        const bool firstTime = !seenUuids.contains(r.uuid);
        seenUuids.insert(r.uuid);
        switch (classify(st.incidents, r.uuid)) {
        case KeyState::New:
            if (firstTime)
                ++plan.incidents.toInsert;
            break;
        case KeyState::Ours:
            if (firstTime)
                ++plan.incidents.existing;
            break;
        case KeyState::Other: {
            plan.incidentAccepted[i] = false;
            if (firstTime) {
                ++plan.incidents.conflicting;
                const Found &f = st.incidents[r.uuid];
                plan.conflicts.push_back({QStringLiteral("Incident"), r.uuid, otherName(f), f.orgDomain});
            }
            continue;
        }
        }
        const RecordLink link = i < in.roster.links.size() ? in.roster.links[i] : RecordLink{};
        PlannedLink &pl = plan.links[i];
        if (!link.studentId.isEmpty()) {
            const KeyState s = classify(st.students, link.studentId);
            if (s == KeyState::Other) {
                plan.droppedLinks.push_back({r.uuid, QStringLiteral("student"), link.studentId,
                                             tr("student id %1 belongs to %2")
                                                 .arg(link.studentId, otherName(*st.find(st.students, link.studentId)))});
            } else if (s == KeyState::Ours || rosterStudents.contains(link.studentId)) {
                pl.studentId = link.studentId;
            } else {
                plan.droppedLinks.push_back({r.uuid, QStringLiteral("student"), link.studentId,
                                             tr("student id %1 is not in the roster").arg(link.studentId)});
            }
        }
        if (!link.classCode.isEmpty()) {
            const KeyState s = classify(st.classrooms, link.classCode);
            if (s == KeyState::Other) {
                plan.droppedLinks.push_back({r.uuid, QStringLiteral("classroom"), link.classCode,
                                             tr("class code %1 belongs to %2")
                                                 .arg(link.classCode, otherName(*st.find(st.classrooms, link.classCode)))});
            } else if (s == KeyState::Ours || rosterClasses.contains(link.classCode)) {
                pl.classCode = link.classCode;
            } else {
                plan.droppedLinks.push_back({r.uuid, QStringLiteral("classroom"), link.classCode,
                                             tr("class code %1 is not in the roster").arg(link.classCode)});
            }
        }
        if ((i + 1) % kProgressStep == 0)
            checkCancel(progress);
    }
    return st;
}

QJsonObject tableJson(const TablePlan &t)
{
    return QJsonObject{{u"toInsert"_s, t.toInsert}, {u"existing"_s, t.existing}, {u"conflicting"_s, t.conflicting}};
}

// The user names the database they mean to write to; the connection is not through a pooler; the role
// may read every table (backup) and write each table the recovery writes. Returns the database's name.
QString refuseUnsafeTarget(Database &db, const ApplyOptions &options)
{
    const QString dbName = db.databaseName();
    if (options.confirmDatabase.isEmpty())
        throw RefusalError(tr("Refusing to write: confirm the database by its name (--confirm %1).").arg(dbName));
    if (options.confirmDatabase != dbName)
        throw RefusalError(tr("Refusing to write: you confirmed \"%1\" but this connection leads to the database "
                              "\"%2\".")
                               .arg(options.confirmDatabase, dbName));
    db.refuseIfPooled(tr("write"));
    const PrivilegeReport privileges = db.checkPrivileges();
    if (!privileges.ok())
        throw RefusalError(tr("Refusing to write: %1").arg(privileges.describe()));
    return dbName;
}

QString conflictsSummary(const RecoveryPlan &plan, int max)
{
    QStringList lines;
    for (const RowConflict &c : plan.conflicts) {
        if (lines.size() >= max) {
            lines << tr("… and %1 more").arg(qsizetype(plan.conflicts.size()) - max);
            break;
        }
        lines << tr("%1 \"%2\" belongs to %3").arg(c.table, c.key, c.otherSchool);
    }
    return lines.join(QStringLiteral("; "));
}

QString currentUser()
{
    for (const char *var : {"USER", "LOGNAME", "USERNAME"}) {
        const QString v = qEnvironmentVariable(var);
        if (!v.isEmpty())
            return v;
    }
    return QStringLiteral("unknown");
}

} // namespace

QJsonObject RecoveryPlan::toJson() const
{
    QJsonArray conflictArray;
    for (const RowConflict &c : conflicts)
        conflictArray.append(QJsonObject{{u"table"_s, c.table}, {u"key"_s, c.key},
                                         {u"otherSchool"_s, c.otherSchool}, {u"otherDomain"_s, c.otherDomain}});
    QJsonArray cases;
    for (const CaseDifference &c : caseDifferences)
        cases.append(QJsonObject{{u"table"_s, c.table}, {u"key"_s, c.key}, {u"existing"_s, c.existing},
                                 {u"sameSchool"_s, c.sameSchool}, {u"school"_s, c.school}});
    QJsonArray dropped;
    for (const DroppedLink &l : droppedLinks)
        dropped.append(QJsonObject{{u"uuid"_s, l.uuid}, {u"link"_s, l.what}, {u"key"_s, l.key}, {u"reason"_s, l.reason}});
    return QJsonObject{
        {u"database"_s, database},
        {u"organizationExists"_s, organizationExists},
        {u"organizationId"_s, organizationId},
        {u"tables"_s, QJsonObject{{u"Organization"_s, tableJson(organization)}, {u"Teacher"_s, tableJson(teachers)},
                                   {u"Classroom"_s, tableJson(classrooms)}, {u"TeacherClass"_s, tableJson(teacherClasses)},
                                   {u"Student"_s, tableJson(students)}, {u"Incident"_s, tableJson(incidents)}}},
        {u"conflicts"_s, conflictArray},
        {u"unlinkedByPlan"_s, dropped},
        {u"caseDifferences"_s, cases},
    };
}

QString RecoveryPlan::describe() const
{
    QStringList lines;
    lines << tr("Plan for database \"%1\":").arg(database);
    auto line = [&](const char *name, const TablePlan &t) {
        lines << tr("  %1: %2 to insert, %3 already there (skipped), %4 conflicting")
                     .arg(QString::fromLatin1(name))
                     .arg(t.toInsert)
                     .arg(t.existing)
                     .arg(t.conflicting);
    };
    line("Organization", organization);
    line("Teacher", teachers);
    line("Classroom", classrooms);
    line("TeacherClass", teacherClasses);
    line("Student", students);
    line("Incident", incidents);
    for (const RowConflict &c : conflicts)
        lines << tr("  CONFLICT: %1 \"%2\" belongs to another school: %3").arg(c.table, c.key, c.otherSchool);
    for (const CaseDifference &c : caseDifferences)
        lines << (c.sameSchool ? tr("  CASE: %1 \"%2\" is already there as \"%3\" (the same, ignoring case): "
                                    "not inserted again; links use the existing row.")
                                     .arg(c.table, c.key, c.existing)
                               : tr("  CASE: %1 \"%2\" clashes with \"%3\" of %4 (the same, ignoring case).")
                                     .arg(c.table, c.key, c.existing, c.school));
    if (!droppedLinks.empty())
        lines << tr("  %1 links will stay empty (see the JSON plan for the list).").arg(qsizetype(droppedLinks.size()));
    return lines.join(u'\n');
}

QString ApplyResult::describe() const
{
    QStringList lines;
    if (nothingToWrite)
        lines << tr("Nothing new to write to \"%1\": it already holds everything in the project. The database was "
                    "not changed (run %2).")
                     .arg(plan.database, runId);
    else
        lines << tr("Written to \"%1\" (run %2):").arg(plan.database, runId);
    lines << tr("  backup: %1 (%2 bytes, verified)").arg(backup.file).arg(backup.bytes);
    lines << tr("  inserted: %1 organization, %2 teachers, %3 classrooms, %4 teacher-class links, %5 students, "
                "%6 incidents")
                 .arg(insertedOrganizations)
                 .arg(insertedTeachers)
                 .arg(insertedClassrooms)
                 .arg(insertedTeacherClasses)
                 .arg(insertedStudents)
                 .arg(insertedIncidents);
    lines << tr("  statements in the transaction: %1").arg(statements);
    if (outcomeWasUnknown)
        lines << tr("  the connection broke during COMMIT; re-reading showed the run was committed.");
    return lines.join(u'\n');
}

QJsonObject VerifyResult::toJson() const
{
    return QJsonObject{{u"ok"_s, ok()},
                       {u"incidentsChecked"_s, incidentsChecked},
                       {u"incidentsPresent"_s, incidentsPresent},
                       {u"linkedStudents"_s, linkedStudents},
                       {u"linkedClassrooms"_s, linkedClassrooms},
                       {u"teachersPresent"_s, teachersPresent},
                       {u"classroomsPresent"_s, classroomsPresent},
                       {u"studentsPresent"_s, studentsPresent},
                       {u"differences"_s, QJsonArray::fromStringList(differences)}};
}

RecoveryWriter::RecoveryWriter(Database &db, const RecoveryInput &input)
    : m_db(db), m_input(input)
{
}

RecoveryPlan RecoveryWriter::plan(Progress *progress)
{
    if (progress)
        progress->begin(tr("Planning"), 0);
    try {
        pqxx::read_transaction tx(*m_db.d()->conn);
        PlanState st = computePlan(tx, m_db.d(), m_input, progress);
        return std::move(st.plan);
    } catch (const Cancelled &) {
        throw;
    } catch (const UserError &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database to plan the recovery: %1").arg(describeDbError(e)));
    }
}

bool RecoveryWriter::runCommitted(Database &db, const QString &runId)
{
    pqxx::read_transaction tx(*db.d()->conn);
    const std::string needle = "\"runId\":\"" + toStd(runId) + "\"";
    const pqxx::row r = tx.exec_params1(
        R"(SELECT count(*) FROM "AuditLog" WHERE "action" = 'recovery.apply' AND strpos("meta", $1) > 0)", needle);
    return r[0].as<qint64>() > 0;
}

ApplyResult RecoveryWriter::apply(const ApplyOptions &options, Progress *progress)
{
    ApplyResult result;
    // 1. The right database, reached directly, by a role that may do what the recovery needs.
    const QString dbName = refuseUnsafeTarget(m_db, options);
    // 2. A dry run: unresolved conflicts stop here, before anything else.
    const RecoveryPlan dryRun = plan(progress);
    if (dryRun.hasConflicts() && !options.skipConflicting)
        throw RefusalError(tr("Refusing to write: %1 rows belong to another school (%2). Resolve them, or use "
                              "--skip-conflicting to leave them out.")
                               .arg(qsizetype(dryRun.conflicts.size()))
                               .arg(conflictsSummary(dryRun, 5)));
    // 3. A verified backup, taken now.
    if (options.backupDir.isEmpty())
        throw RefusalError(tr("Refusing to write: no backup folder was given (--backup-dir)."));
    try {
        result.backup = Backup::run(m_db, options.backupDir, progress);
    } catch (const RefusalError &) {
        throw;
    } catch (const DatabaseError &e) {
        throw RefusalError(tr("Refusing to write without a verified backup: %1").arg(e.message()));
    }
    if (!result.backup.verified || result.backup.database != dbName)
        throw RefusalError(tr("Refusing to write: the backup could not be verified."));

    result.runId = options.runId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.runId;
    const QString performedBy = options.performedBy.isEmpty() ? currentUser() : options.performedBy;
    DatabasePrivate *d = m_db.d();
    qint64 statements = 0;
    // This run's temporary tables: named per run, gone when the session ends or the transaction rolls back.
    // (No ON COMMIT DROP: the statement log of a recovery shows no DROP, DELETE, UPDATE, TRUNCATE or ALTER.)
    const std::string suffix = toStd(u'_' + newCuid());
    auto named = [&suffix](std::string sql) {
        for (size_t pos = sql.find("_RUN"); pos != std::string::npos; pos = sql.find("_RUN", pos))
            sql.replace(pos, 4, suffix);
        return sql;
    };

    try {
        pqxx::work tx(*d->conn);
        ++statements; // BEGIN
        tx.exec("SELECT pg_advisory_xact_lock(" TT_LOCK_KEY ")");
        ++statements;
        PlanState st = computePlan(tx, d, m_input, progress);
        statements += 2;
        result.plan = st.plan;
        if (st.plan.hasConflicts() && !options.skipConflicting)
            throw RefusalError(tr("Refusing to write: rows of another school appeared meanwhile (%1).")
                                   .arg(conflictsSummary(st.plan, 5)));

        tx.exec(named(R"SQL(
CREATE TEMP TABLE tt_teacher_RUN (id text, email text, display_name text, role text, is_specialist boolean);
CREATE TEMP TABLE tt_classroom_RUN (id text, name text, code text, homeroom_email text);
CREATE TEMP TABLE tt_teacherclass_RUN (id text, email text, code text);
CREATE TEMP TABLE tt_student_RUN (id text, student_id text, first_name text, last_name text, guardians text,
                              notes text, class_code text);
CREATE TEMP TABLE tt_incident_RUN (id text, uuid text, ts text, type text, link_student text, student_name text,
                               link_class text, class_code text, teacher_email text, level text, category text,
                               location text, action_taken text, note text, device text)
)SQL"));
        ++statements;

        const qint64 total = qint64(m_input.roster.teachers.size() + m_input.roster.classrooms.size()
                                    + m_input.roster.students.size() + m_input.records.size());
        qint64 done = 0;
        if (progress)
            progress->begin(tr("Sending rows"), total);
        auto tick = [&] {
            if (++done % kProgressStep == 0) {
                checkCancel(progress);
                if (progress)
                    progress->advance(done);
            }
        };

        {
            CopyStream s(tx, named("tt_teacher_RUN"), {"id", "email", "display_name", "role", "is_specialist"});
            for (const TeacherDraft &t : m_input.roster.teachers) {
                if (st.classify(st.teachers, t.email) != KeyState::New) // another school's, or already ours
                    continue;
                const std::string id = toStd(newCuid()), email = toStd(t.email), name = toStd(t.displayName),
                                  role = toStd(t.role.isEmpty() ? QStringLiteral("teacher") : t.role);
                s.write(std::array<const char *, 5>{id.c_str(), email.c_str(), opt(name), role.c_str(),
                                                    t.isSpecialist ? "t" : "f"});
                tick();
            }
            s.complete();
            ++statements;
        }
        {
            CopyStream s(tx, named("tt_classroom_RUN"), {"id", "name", "code", "homeroom_email"});
            for (const ClassroomDraft &c : m_input.roster.classrooms) {
                if (st.classify(st.classrooms, c.code) != KeyState::New)
                    continue;
                const std::string id = toStd(newCuid()), name = toStd(c.name.isEmpty() ? c.code : c.name),
                                  code = toStd(c.code), home = toStd(st.canonical(st.teachers, c.homeroomTeacherEmail));
                s.write(std::array<const char *, 4>{id.c_str(), name.c_str(), code.c_str(), opt(home)});
                tick();
            }
            s.complete();
            ++statements;
        }
        {
            CopyStream s(tx, named("tt_teacherclass_RUN"), {"id", "email", "code"});
            for (const ClassroomDraft &c : m_input.roster.classrooms) {
                if (st.conflictingClassrooms.contains(c.code))
                    continue;
                for (const QString &email : c.specialistEmails) {
                    if (st.conflictingTeachers.contains(email))
                        continue;
                    const std::string id = toStd(newCuid()), e = toStd(st.canonical(st.teachers, email)),
                                      code = toStd(st.canonical(st.classrooms, c.code));
                    s.write(std::array<const char *, 3>{id.c_str(), e.c_str(), code.c_str()});
                }
            }
            s.complete();
            ++statements;
        }
        {
            CopyStream s(tx, named("tt_student_RUN"),
                         {"id", "student_id", "first_name", "last_name", "guardians", "notes", "class_code"});
            for (const StudentDraft &sd : m_input.roster.students) {
                if (st.conflictingStudents.contains(sd.studentId))
                    continue;
                const std::string id = toStd(newCuid()), sid = toStd(sd.studentId), first = toStd(sd.firstName),
                                  last = toStd(sd.lastName), guardians = toStd(sd.guardians), notes = toStd(sd.notes),
                                  code = toStd(st.canonical(st.classrooms, sd.classCode));
                s.write(std::array<const char *, 7>{id.c_str(), sid.c_str(), first.c_str(), last.c_str(),
                                                    opt(guardians), opt(notes), opt(code)});
                tick();
            }
            s.complete();
            ++statements;
        }
        {
            CopyStream s(tx, named("tt_incident_RUN"),
                         {"id", "uuid", "ts", "type", "link_student", "student_name", "link_class", "class_code",
                          "teacher_email", "level", "category", "location", "action_taken", "note", "device"});
            const size_t half = m_input.records.size() / 2;
            for (size_t i = 0; i < m_input.records.size(); ++i) {
                if (i == half)
                    testPause("copy");
                if (!st.plan.incidentAccepted[i])
                    continue;
                const IncidentRecord &r = m_input.records[i];
                const PlannedLink &pl = st.plan.links[i];
                const std::string id = toStd(newCuid()), uuid = toStd(r.uuid), ts = formatTimestamp(r.timestampMs),
                                  linkStudent = toStd(pl.studentId), name = toStd(r.studentName),
                                  linkClass = toStd(st.canonical(st.classrooms, pl.classCode)),
                                  classCode = pl.classCode.isEmpty() ? toStd(r.classCode) : linkClass,
                                  email = toStd(r.teacherEmail), level = toStd(r.level), category = toStd(r.category),
                                  location = toStd(r.location), action = toStd(r.actionTaken), note = toStd(r.note),
                                  device = toStd(r.device);
                s.write(std::array<const char *, 15>{
                    id.c_str(), uuid.c_str(), ts.c_str(), r.type == RecordType::Incident ? "incident" : "commendation",
                    opt(linkStudent), name.c_str(), opt(linkClass), opt(classCode), email.c_str(), level.c_str(),
                    category.c_str(), location.c_str(), opt(action), opt(note), opt(device)});
                tick();
            }
            s.complete();
            ++statements;
        }
        if (progress)
            progress->advance(total);
        checkCancel(progress);

        const pqxx::row org = tx.exec_params1(
            R"SQL(
WITH ins AS (
  INSERT INTO "Organization" ("id", "name", "domain", "active", "lmsProvider", "createdAt", "updatedAt")
  VALUES ($1, $2, $3, true, 'TRACKTALLY', )SQL" TT_NOW_UTC ", " TT_NOW_UTC R"SQL()
  ON CONFLICT DO NOTHING RETURNING "id")
SELECT "id", true FROM ins UNION ALL SELECT "id", false FROM "Organization" WHERE "domain" = $3
)SQL",
            toStd(newCuid()), toStd(m_input.school.name), toStd(m_input.school.domain));
        ++statements;
        result.organizationId = fromField(org[0]);
        result.insertedOrganizations = org[1].as<bool>() ? 1 : 0;
        const std::string orgId = toStd(result.organizationId);

        result.insertedTeachers = tx.exec_params(named(
            R"(INSERT INTO "Teacher" ("id", "email", "displayName", "role", "isSpecialist", "active", "createdAt", "organizationId")
               SELECT t.id, t.email, t.display_name, t.role, t.is_specialist, true, )" TT_NOW_UTC R"(, $1
               FROM tt_teacher_RUN t ON CONFLICT DO NOTHING)"), orgId).affected_rows();
        result.insertedClassrooms = tx.exec_params(named(
            R"(INSERT INTO "Classroom" ("id", "name", "code", "archived", "createdAt", "organizationId", "homeroomTeacherId")
               SELECT c.id, c.name, c.code, false, )" TT_NOW_UTC R"(, $1, t."id"
               FROM tt_classroom_RUN c LEFT JOIN "Teacher" t ON t."email" = c.homeroom_email AND t."organizationId" = $1
               ON CONFLICT DO NOTHING)"), orgId).affected_rows();
        result.insertedTeacherClasses = tx.exec_params(named(
            R"(INSERT INTO "TeacherClass" ("id", "teacherId", "classroomId", "assignedAt")
               SELECT x.id, t."id", c."id", )" TT_NOW_UTC R"(
               FROM tt_teacherclass_RUN x
               JOIN "Teacher" t ON t."email" = x.email AND t."organizationId" = $1
               JOIN "Classroom" c ON c."code" = x.code AND c."organizationId" = $1
               ON CONFLICT DO NOTHING)"), orgId).affected_rows();
        result.insertedStudents = tx.exec_params(named(
            R"(INSERT INTO "Student" ("id", "studentId", "firstName", "lastName", "guardians", "notes", "active",
                                     "createdAt", "updatedAt", "classroomId", "organizationId")
               SELECT s.id, s.student_id, s.first_name, s.last_name, s.guardians, s.notes, true, )" TT_NOW_UTC ", " TT_NOW_UTC R"(, c."id", $1
               FROM tt_student_RUN s LEFT JOIN "Classroom" c ON c."code" = s.class_code AND c."organizationId" = $1
               ON CONFLICT DO NOTHING)"), orgId).affected_rows();
        result.insertedIncidents = tx.exec_params(named(
            R"(INSERT INTO "Incident" ("id", "uuid", "timestamp", "type", "studentId", "studentName", "classroomId",
                                      "classCode", "teacherEmail", "level", "category", "location", "actionTaken",
                                      "note", "device", "createdAt", "organizationId")
               SELECT i.id, i.uuid, i.ts::timestamp(3), i.type, s."studentId", i.student_name, c."id", i.class_code,
                      i.teacher_email, i.level, i.category, i.location, i.action_taken, i.note, i.device,
                      i.ts::timestamp(3), $1
               FROM tt_incident_RUN i
               LEFT JOIN "Student" s ON s."studentId" = i.link_student AND s."organizationId" = $1
               LEFT JOIN "Classroom" c ON c."code" = i.link_class AND c."organizationId" = $1
               ON CONFLICT DO NOTHING)"), orgId).affected_rows();
        statements += 5;
        testPause("insert");
        checkCancel(progress);

        if (result.insertedOrganizations + result.insertedTeachers + result.insertedClassrooms
                + result.insertedTeacherClasses + result.insertedStudents + result.insertedIncidents
            == 0) {
            // A re-run with nothing new: roll back (the temporary tables go with it) and leave no trace.
            tx.abort();
            ++statements; // ROLLBACK
            result.statements = statements;
            result.nothingToWrite = true;
            d->statements += statements;
            return result;
        }

        auto counts = [](qint64 inserted, const TablePlan &t) {
            return QJsonObject{{u"inserted"_s, inserted}, {u"existing"_s, t.existing}, {u"conflicting"_s, t.conflicting}};
        };
        const QJsonObject meta{
            {u"runId"_s, result.runId},
            {u"tool"_s, QStringLiteral("tracktally-recovery " TT_VERSION)},
            {u"school"_s, QJsonObject{{u"name"_s, m_input.school.name}, {u"domain"_s, m_input.school.domain}}},
            {u"projectSha256"_s, m_input.projectSha256},
            {u"backup"_s, result.backup.file},
            {u"skipConflicting"_s, options.skipConflicting},
            {u"counts"_s, QJsonObject{{u"Organization"_s, counts(result.insertedOrganizations, st.plan.organization)},
                                       {u"Teacher"_s, counts(result.insertedTeachers, st.plan.teachers)},
                                       {u"Classroom"_s, counts(result.insertedClassrooms, st.plan.classrooms)},
                                       {u"TeacherClass"_s, counts(result.insertedTeacherClasses, st.plan.teacherClasses)},
                                       {u"Student"_s, counts(result.insertedStudents, st.plan.students)},
                                       {u"Incident"_s, counts(result.insertedIncidents, st.plan.incidents)}}},
        };
        tx.exec_params(R"(INSERT INTO "AuditLog" ("id", "action", "performedBy", "meta", "createdAt")
                                      VALUES ($1, 'recovery.apply', $2, $3, )" TT_NOW_UTC ")",
                       toStd(newCuid()), toStd(performedBy),
                       QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString());
        ++statements;
        testPause("commit");
        checkCancel(progress);
        ++statements; // COMMIT
        result.statements = statements;
        d->statements += statements;
        try {
            tx.commit();
        } catch (const pqxx::in_doubt_error &) {
            result.outcomeWasUnknown = true;
        } catch (const pqxx::broken_connection &) {
            result.outcomeWasUnknown = true;
        }
    } catch (const UserError &) {
        throw;
    } catch (const Cancelled &) {
        throw;
    } catch (const pqxx::broken_connection &e) {
        throw DatabaseError(tr("The connection to the database was lost before the recovery was committed; "
                               "nothing was written. Run apply again when the database is reachable. (%1)")
                                .arg(describeDbError(e)));
    } catch (const std::exception &e) {
        throw DatabaseError(tr("The recovery failed and was rolled back; nothing was written: %1")
                                .arg(describeDbError(e)));
    }

    if (result.outcomeWasUnknown) {
        // Never apply blindly again: look for this run's AuditLog row.
        bool committed = false;
        try {
            Database again(m_db.spec());
            committed = runCommitted(again, result.runId);
        } catch (const std::exception &e) {
            throw DatabaseError(tr("The connection was lost during COMMIT: the outcome is unknown and the database "
                                   "cannot be reached to settle it. Do not run apply again; run verify when the "
                                   "database is reachable (run id %1).")
                                    .arg(result.runId));
        }
        if (!committed)
            throw DatabaseError(tr("The connection was lost during COMMIT; re-reading the database shows this run "
                                   "(%1) was not committed, so nothing was written. It is safe to run apply again.")
                                    .arg(result.runId));
    }
    return result;
}

VerifyResult RecoveryWriter::verify(Progress *progress)
{
    VerifyResult v;
    const int maxListed = 1000;
    auto diff = [&](const QString &text) {
        if (v.differences.size() < maxListed)
            v.differences << text;
        else if (v.differences.size() == maxListed)
            v.differences << tr("… more differences not listed");
    };
    if (progress)
        progress->begin(tr("Verifying"), qint64(m_input.records.size()));
    try {
        pqxx::read_transaction tx(*m_db.d()->conn);
        PlanState st = computePlan(tx, m_db.d(), m_input, progress);
        const RecoveryPlan &plan = st.plan;
        if (!plan.organizationExists) {
            diff(tr("There is no Organization row for %1.").arg(m_input.school.domain));
            return v;
        }
        const std::string orgId = toStd(plan.organizationId);

        QStringList uuids;
        for (const IncidentRecord &r : m_input.records)
            uuids << r.uuid;
        const pqxx::result rows = tx.exec_params(R"SQL(
SELECT i."uuid", i."organizationId", i."studentId", c."code", c."organizationId",
       (extract(epoch FROM i."timestamp") * 1000)::bigint, i."type"
FROM "Incident" i LEFT JOIN "Classroom" c ON c."id" = i."classroomId"
WHERE i."uuid" = ANY($1::text[])
)SQL",
                                                 pgTextArray(uuids));
        struct Row
        {
            QString org, studentId, classCode, classOrg, type;
            qint64 ms = 0;
            int copies = 0;
        };
        QHash<QString, Row> found;
        for (const auto &row : rows) {
            Row &r = found[fromField(row[0])];
            ++r.copies;
            r.org = fromField(row[1]);
            r.studentId = fromField(row[2]);
            r.classCode = fromField(row[3]);
            r.classOrg = fromField(row[4]);
            r.ms = row[5].as<qint64>();
            r.type = fromField(row[6]);
        }
        QSet<QString> checked;
        for (size_t i = 0; i < m_input.records.size(); ++i) {
            const IncidentRecord &rec = m_input.records[i];
            if (!plan.incidentAccepted[i] || checked.contains(rec.uuid))
                continue;
            checked.insert(rec.uuid);
            ++v.incidentsChecked;
            const auto it = found.constFind(rec.uuid);
            if (it == found.cend()) {
                diff(tr("Incident %1 (row %2) is missing.").arg(rec.uuid).arg(rec.sourceRow));
                continue;
            }
            ++v.incidentsPresent;
            if (it->copies != 1)
                diff(tr("Incident %1 is present %2 times.").arg(rec.uuid).arg(it->copies));
            if (it->org != plan.organizationId)
                diff(tr("Incident %1 belongs to another organization.").arg(rec.uuid));
            const PlannedLink &pl = plan.links[i];
            if (it->studentId != pl.studentId)
                diff(tr("Incident %1 links to student \"%2\", planned \"%3\".").arg(rec.uuid, it->studentId, pl.studentId));
            else if (!pl.studentId.isEmpty())
                ++v.linkedStudents;
            if (fold(it->classCode) != fold(pl.classCode)
                || (!it->classCode.isEmpty() && it->classOrg != plan.organizationId))
                diff(tr("Incident %1 links to class \"%2\", planned \"%3\".").arg(rec.uuid, it->classCode, pl.classCode));
            else if (!pl.classCode.isEmpty())
                ++v.linkedClassrooms;
            if (it->ms != rec.timestampMs)
                diff(tr("Incident %1 has timestamp %2 ms, expected %3 ms.").arg(rec.uuid).arg(it->ms).arg(rec.timestampMs));
            if (it->type != recordTypeKey(rec.type))
                diff(tr("Incident %1 has type \"%2\", expected \"%3\".").arg(rec.uuid, it->type, recordTypeKey(rec.type)));
            if (v.incidentsChecked % kProgressStep == 0) {
                checkCancel(progress);
                if (progress)
                    progress->advance(v.incidentsChecked);
            }
        }
        auto present = [&](const QHash<QString, Found> &h, const QString &key) {
            return st.classify(h, key) == KeyState::Ours;
        };
        for (const TeacherDraft &t : m_input.roster.teachers) {
            if (st.conflictingTeachers.contains(t.email))
                continue;
            if (present(st.teachers, t.email))
                ++v.teachersPresent;
            else
                diff(tr("Teacher %1 is missing.").arg(t.email));
        }
        for (const ClassroomDraft &c : m_input.roster.classrooms) {
            if (st.conflictingClassrooms.contains(c.code))
                continue;
            if (present(st.classrooms, c.code))
                ++v.classroomsPresent;
            else
                diff(tr("Classroom %1 is missing.").arg(c.code));
            for (const QString &email : c.specialistEmails)
                if (!st.conflictingTeachers.contains(email)
                    && !st.existingPairs.contains(fold(email) + u'\n' + fold(c.code)))
                    diff(tr("Specialist %1 is not attached to class %2.").arg(email, c.code));
        }
        for (const StudentDraft &s : m_input.roster.students) {
            if (st.conflictingStudents.contains(s.studentId))
                continue;
            if (present(st.students, s.studentId))
                ++v.studentsPresent;
            else
                diff(tr("Student %1 is missing.").arg(s.studentId));
        }
    } catch (const UserError &) {
        throw;
    } catch (const Cancelled &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database to verify the recovery: %1").arg(describeDbError(e)));
    }
    return v;
}

} // namespace tt
