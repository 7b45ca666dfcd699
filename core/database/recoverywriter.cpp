#include "recoverywriter.h"

#include "copystream.h"
#include "cuid.h"
#include "database_p.h"

#include "common/errors.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>
#include <QUuid>
#include <algorithm>
#include <functional>
#include <cstdio>
#include <optional>
#include <string_view>

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
    return key.isLower() ? key : key.toLower(); // most keys are lower case already: no copy
}

struct PlanState
{
    RecoveryPlan plan;
    QHash<QString, Found> teachers, classrooms; // keyed by fold(key)
    QHash<QString, Found> students, incidents;  // keyed by the exact key
    QSet<QString> existingPairs; // "fold(email)\nfold(code)" of TeacherClass rows of this school
    QSet<QString> conflictingTeachers, conflictingClassrooms, conflictingStudents;
    ColumnFacts columns; // what the target's tables actually have
    std::vector<char> newIncident; // parallel to the records: 1 = to insert (its uuid is nowhere yet, first time)
    std::string facts; // everything the plan read from the database, as read: the same facts give the same plan
    bool noIncidents = false; // the Incident table is empty: no uuid can be there

    const Found *find(const QHash<QString, Found> &h, const QString &key) const
    {
        if (h.isEmpty())
            return nullptr;
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

// "2025-11-03 01:23:45.678" for a UTC epoch in milliseconds (days-from-civil inverse, H. Hinnant), written to
// out (at least 32 bytes, no terminator); returns its length (23 for years 0-9999).
size_t formatTimestamp(qint64 ms, char *out)
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
    if (y < 0 || y > 9999) // never from a sheet; the slow way keeps it exact
        return size_t(std::snprintf(out, 32, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%03d", (long long)y,
                                    (long long)m, (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60),
                                    (long long)(rem % 60), milli));
    auto put = [&out](int at, qint64 v, int width) {
        for (int k = width - 1; k >= 0; --k, v /= 10)
            out[at + k] = char('0' + v % 10);
    };
    put(0, y, 4);
    out[4] = '-';
    put(5, m, 2);
    out[7] = '-';
    put(8, d, 2);
    out[10] = ' ';
    put(11, rem / 3600, 2);
    out[13] = ':';
    put(14, rem / 60 % 60, 2);
    out[16] = ':';
    put(17, rem % 60, 2);
    out[19] = '.';
    put(20, milli, 3);
    return 23;
}

std::string formatTimestamp(qint64 ms)
{
    char buf[32];
    return std::string(buf, formatTimestamp(ms, buf));
}

const char *opt(const std::string &s)
{
    return s.empty() ? nullptr : s.c_str();
}

QString otherName(const Found &f)
{
    return f.orgId.isEmpty() ? tr("(no school)") : (f.orgName.isEmpty() ? f.orgId : f.orgName);
}

// The keys the plan looks up: emails and class codes folded, student ids and uuids exact.
struct PlanKeys
{
    QStringList emails, codes, studentIds;
};

} // namespace

// The keys as the plan's query takes them (array literals): made once per apply, for its dry run and its plan
// inside the transaction; and the dry run's plan, reused there when the database still shows the same facts.
struct RecoveryDryRun
{
    std::string emails, codes, studentIds;
    PlanState state;

    // The uuids' array, made when a plan first needs it (never while "Incident" is empty).
    const std::string &uuids(const RecoveryInput &in) const
    {
        if (!m_uuids) {
            QStringList list;
            list.reserve(qsizetype(in.records.size()));
            for (const IncidentRecord &r : in.records)
                list << r.uuid;
            m_uuids = pgTextArray(list);
        }
        return *m_uuids;
    }

private:
    mutable std::optional<std::string> m_uuids;
};

namespace {

PlanKeys collectKeys(const RecoveryInput &in)
{
    PlanKeys k;
    for (const TeacherDraft &t : in.roster.teachers)
        k.emails << fold(t.email);
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
        k.codes << fold(c);
    k.studentIds = QStringList(idSet.begin(), idSet.end());
    return k;
}

qint64 commendationCount(const RecoveryInput &in)
{
    return std::count_if(in.records.begin(), in.records.end(),
                         [](const IncidentRecord &r) { return r.type == RecordType::Commendation; });
}

// The database's name, this school's Organization row, and the columns the target's tables have (as its
// search path finds them): what is missing is not written, or refuses the write when the recovery needs it.
void readOrganization(pqxx::transaction_base &tx, DatabasePrivate *d, const RecoveryInput &in, PlanState &st)
{
    const pqxx::row org = tx.exec_params1(
        R"(SELECT current_database(), (SELECT "id" FROM "Organization" WHERE "domain" = $1),
                  (SELECT string_agg(f.t || chr(9) || f.c || chr(9) || f.u::text, chr(10)) FROM ()"
            + columnFactsQuery() + R"() AS f(t, c, u)), NOT EXISTS (SELECT 1 FROM "Incident"))",
        toStd(in.school.domain));
    ++d->statements;
    for (const auto &f : org)
        (st.facts += f.is_null() ? "\x01" : f.c_str()) += '\n';
    st.plan.database = fromField(org[0]);
    st.plan.organizationId = fromField(org[1]);
    st.plan.organizationExists = !st.plan.organizationId.isEmpty();
    st.noIncidents = org[3].as<bool>();
    for (const QString &line : fromField(org[2]).split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList f = line.split(u'\t');
        if (f.size() == 3)
            addColumnFact(st.columns, f[0], f[1], f[2] == QLatin1String("1"));
    }
    st.plan.schemaGaps = schemaGaps(st.columns, commendationCount(in));
}

// Every existing row the recovery's keys name (any school's), this school's TeacherClass pairs, and the
// Organization rows those belong to (once each, not per row: a re-apply finds every incident). Adds the rows
// to st.facts.
// An empty Incident table (a database rebuilt after the loss) holds none of the uuids: they are not sent then
// (10 MB to parse, sort and look up at 262,144 logs).
pqxx::result readExistingRows(pqxx::transaction_base &tx, DatabasePrivate *d, const RecoveryInput &in,
                              const RecoveryDryRun &k, PlanState &st)
{
    static const std::string kNoKeys = "{}";
    pqxx::result rows = tx.exec_params(R"SQL(
WITH found (kind, key, org) AS (
  SELECT 'T', t."email", t."organizationId" FROM "Teacher" t WHERE lower(t."email") = ANY($1::text[])
  UNION ALL
  SELECT 'C', c."code", c."organizationId" FROM "Classroom" c WHERE lower(c."code") = ANY($2::text[])
  UNION ALL
  SELECT 'S', s."studentId", s."organizationId" FROM "Student" s WHERE s."studentId" = ANY($3::text[])
  UNION ALL
  SELECT 'I', i."uuid", i."organizationId" FROM "Incident" i WHERE i."uuid" = ANY($4::text[])
  UNION ALL
  SELECT 'P', t."email" || chr(10) || c."code", c."organizationId"
    FROM "TeacherClass" tc JOIN "Teacher" t ON t."id" = tc."teacherId" JOIN "Classroom" c ON c."id" = tc."classroomId"
    WHERE c."organizationId" = $5 AND t."organizationId" = $5
)
SELECT kind, key, org, NULL::text, NULL::text FROM found
UNION ALL
SELECT 'O', o."id", NULL, o."name", o."domain" FROM "Organization" o WHERE o."id" IN (SELECT org FROM found)
)SQL",
                                       k.emails, k.codes, k.studentIds, st.noIncidents ? kNoKeys : k.uuids(in),
                                       toStd(st.plan.organizationId));
    ++d->statements;
    for (const auto &row : rows) {
        for (const auto &f : row)
            (st.facts += f.is_null() ? "\x01" : f.c_str()) += '\t';
        st.facts += '\n';
    }
    return rows;
}

// The rows readExistingRows() found, by kind and key.
void addFound(const pqxx::result &rows, PlanState &st)
{
    QHash<QString, std::pair<QString, QString>> orgs; // id -> name, domain
    for (const auto &row : rows)
        if (row[0].c_str()[0] == 'O')
            orgs.insert(fromField(row[1]), {fromField(row[3]), fromField(row[4])});
    std::string lastOrg = "\x01"; // the rows of one kind mostly belong to one school: convert its id once
    Found f;
    for (const auto &row : rows) {
        const char kind = row[0].c_str()[0];
        if (kind == 'O')
            continue;
        const std::string_view org = row[2].is_null() ? std::string_view() : std::string_view(row[2].c_str());
        if (org != lastOrg) {
            lastOrg = org;
            f.orgId = fromField(row[2]);
            const auto o = orgs.value(f.orgId);
            f.orgName = o.first;
            f.orgDomain = o.second;
        }
        f.actual = fromField(row[1]);
        switch (kind) {
        case 'T': st.teachers.insert(fold(f.actual), f); break;
        case 'C': st.classrooms.insert(fold(f.actual), f); break;
        case 'S': st.students.insert(f.actual, f); break;
        case 'I': st.incidents.insert(f.actual, f); break;
        case 'P': st.existingPairs.insert(fold(f.actual)); break;
        default: break;
        }
    }
}

// One roster row: new, already this school's (skipped), or another school's (a conflict); and a key that
// matches an existing row only ignoring case.
void countKey(PlanState &st, TablePlan &tp, const QHash<QString, Found> &found, const QString &table,
              const QString &key, QSet<QString> *conflicting)
{
    RecoveryPlan &plan = st.plan;
    const QString &ours = plan.organizationId;
    const Found *f = st.find(found, key);
    if (f && f->actual != key)
        plan.caseDifferences.push_back({table, key, f->actual, f->orgId == ours && !ours.isEmpty(), otherName(*f)});
    switch (st.classify(found, key)) {
    case KeyState::New: ++tp.toInsert; break;
    case KeyState::Ours: ++tp.existing; break;
    case KeyState::Other:
        ++tp.conflicting;
        plan.conflicts.push_back({table, key, otherName(*f), f->orgDomain});
        if (conflicting)
            conflicting->insert(key);
        break;
    }
}

void planRoster(PlanState &st, const RecoveryInput &in)
{
    RecoveryPlan &plan = st.plan;
    (plan.organizationExists ? plan.organization.existing : plan.organization.toInsert) = 1;
    for (const TeacherDraft &t : in.roster.teachers)
        countKey(st, plan.teachers, st.teachers, QStringLiteral("Teacher"), t.email, &st.conflictingTeachers);
    for (const ClassroomDraft &c : in.roster.classrooms)
        countKey(st, plan.classrooms, st.classrooms, QStringLiteral("Classroom"), c.code, &st.conflictingClassrooms);
    for (const StudentDraft &s : in.roster.students)
        countKey(st, plan.students, st.students, QStringLiteral("Student"), s.studentId, &st.conflictingStudents);
}

// Specialists attached to classes: a pair is left out when its teacher or class is another school's (or the
// teacher is neither in the roster nor already this school's).
void planTeacherClasses(PlanState &st, const RecoveryInput &in)
{
    QSet<QString> rosterTeachers;
    for (const TeacherDraft &t : in.roster.teachers)
        rosterTeachers.insert(t.email);
    TablePlan &tp = st.plan.teacherClasses;
    for (const ClassroomDraft &c : in.roster.classrooms) {
        for (const QString &email : c.specialistEmails) {
            const bool teacherOk = !st.conflictingTeachers.contains(email)
                && (rosterTeachers.contains(email) || st.classify(st.teachers, email) == KeyState::Ours);
            const bool classOk = !st.conflictingClassrooms.contains(c.code);
            if (!teacherOk || !classOk)
                ++tp.conflicting;
            else if (st.existingPairs.contains(fold(email) + u'\n' + fold(c.code)))
                ++tp.existing;
            else
                ++tp.toInsert;
        }
    }
}

// One link of an incident (to a student or a class): kept when the row is this school's or in the roster,
// left empty (and listed) otherwise. Returns the key to link to, or an empty string.
QString planLink(PlanState &st, const QHash<QString, Found> &found, const QSet<QString> &roster, const QString &uuid,
                 const QString &what, const QString &key)
{
    if (key.isEmpty())
        return {};
    const KeyState s = st.classify(found, key);
    const bool student = what == QLatin1String("student");
    if (s == KeyState::Ours || (s == KeyState::New && roster.contains(key)))
        return key;
    const QString reason = s == KeyState::Other
        ? (student ? tr("student id %1 belongs to %2") : tr("class code %1 belongs to %2"))
              .arg(key, otherName(*st.find(found, key)))
        : (student ? tr("student id %1 is not in the roster") : tr("class code %1 is not in the roster")).arg(key);
    st.plan.droppedLinks.push_back({uuid, what, key, reason});
    return {};
}

// 1 for each record whose uuid no earlier record has: an open-addressing table of record indices (no copy of
// a uuid, no allocation per record; a quarter of a million uuids go through it twice per apply).
std::vector<char> firstOccurrences(const std::vector<IncidentRecord> &records)
{
    size_t capacity = 16;
    while (capacity < 2 * records.size())
        capacity <<= 1;
    std::vector<qint32> table(capacity, -1);
    std::vector<char> first(records.size(), 1);
    const size_t seed = QHashSeed::globalSeed();
    for (size_t i = 0; i < records.size(); ++i) {
        const QString &uuid = records[i].uuid;
        size_t at = qHash(uuid, seed) & (capacity - 1);
        for (; table[at] >= 0; at = (at + 1) & (capacity - 1))
            if (records[size_t(table[at])].uuid == uuid) {
                first[i] = 0;
                break;
            }
        if (first[i])
            table[at] = qint32(i);
    }
    return first;
}

// Each record: new, already there, or another school's uuid (left out); and the links it will carry.
void planIncidents(PlanState &st, const RecoveryInput &in, Progress *progress)
{
    RecoveryPlan &plan = st.plan;
    QSet<QString> rosterClasses, rosterStudents;
    for (const ClassroomDraft &c : in.roster.classrooms)
        rosterClasses.insert(c.code);
    for (const StudentDraft &s : in.roster.students)
        rosterStudents.insert(s.studentId);
    plan.links.resize(in.records.size());
    plan.incidentAccepted.assign(in.records.size(), true);
    st.newIncident.assign(in.records.size(), 0);
    const std::vector<char> first = firstOccurrences(in.records);
    const RecordLink noLink;
    for (size_t i = 0; i < in.records.size(); ++i) {
        const IncidentRecord &r = in.records[i];
        const bool firstTime = first[i];
        const KeyState state = st.classify(st.incidents, r.uuid);
        if (state == KeyState::Other) {
            plan.incidentAccepted[i] = false;
            if (firstTime) {
                ++plan.incidents.conflicting;
                const Found &f = st.incidents[r.uuid];
                plan.conflicts.push_back({QStringLiteral("Incident"), r.uuid, otherName(f), f.orgDomain});
            }
            continue;
        }
        if (firstTime)
            ++(state == KeyState::New ? plan.incidents.toInsert : plan.incidents.existing);
        st.newIncident[i] = firstTime && state == KeyState::New;
        const RecordLink &link = i < in.roster.links.size() ? in.roster.links[i] : noLink;
        PlannedLink &pl = plan.links[i];
        pl.studentId = planLink(st, st.students, rosterStudents, r.uuid, QStringLiteral("student"), link.studentId);
        pl.classCode = planLink(st, st.classrooms, rosterClasses, r.uuid, QStringLiteral("classroom"), link.classCode);
        if ((i + 1) % kProgressStep == 0)
            checkCancel(progress);
    }
}

// The keys of the input as the plan's query takes them (no plan yet).
std::shared_ptr<RecoveryDryRun> planKeys(const RecoveryInput &in)
{
    const PlanKeys k = collectKeys(in);
    auto keys = std::make_shared<RecoveryDryRun>();
    keys->emails = pgTextArray(k.emails);
    keys->codes = pgTextArray(k.codes);
    keys->studentIds = pgTextArray(k.studentIds);
    return keys;
}

// Every lookup the plan needs, in two round trips; then the counting, in memory, unless `reuse` (the dry run's
// plan) was made from exactly the same facts.
PlanState computePlan(pqxx::transaction_base &tx, DatabasePrivate *d, const RecoveryInput &in, Progress *progress,
                      const RecoveryDryRun &keys, const PlanState *reuse = nullptr)
{
    PlanState st;
    checkCancel(progress);
    readOrganization(tx, d, in, st);
    checkCancel(progress);
    const pqxx::result rows = readExistingRows(tx, d, in, keys, st);
    checkCancel(progress);
    if (reuse && reuse->facts == st.facts)
        return *reuse;
    addFound(rows, st);
    planRoster(st, in);
    planTeacherClasses(st, in);
    planIncidents(st, in, progress);
    return st;
}

QJsonObject tableJson(const TablePlan &t)
{
    return QJsonObject{{u"toInsert"_s, t.toInsert}, {u"existing"_s, t.existing}, {u"conflicting"_s, t.conflicting}};
}

// Laps of an apply's steps into ApplyResult::steps.
class StepClock
{
public:
    explicit StepClock(std::vector<ApplyStep> &steps) : m_steps(steps) { m_timer.start(); }
    void lap(const QString &step)
    {
        m_steps.push_back({step, double(m_timer.nsecsElapsed()) / 1e6});
        m_timer.restart();
    }

private:
    std::vector<ApplyStep> &m_steps;
    QElapsedTimer m_timer;
};

// Limits for this transaction only (SET LOCAL): kept even if libpqxx reconnected the session meanwhile, so a
// client that drops off the network does not leave a session holding the advisory lock for hours.
std::string sessionLimits(int statementTimeoutMs)
{
    return "SET LOCAL statement_timeout = " + std::to_string(statementTimeoutMs)
        + "; SET LOCAL lock_timeout = 30000; SET LOCAL idle_in_transaction_session_timeout = 300000; ";
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

const SchemaGap *RecoveryPlan::blockingGap() const
{
    for (const SchemaGap &g : schemaGaps)
        if (g.required)
            return &g;
    return nullptr;
}

QJsonObject RecoveryPlan::toJson() const
{
    QJsonArray missing, unfillable;
    for (const SchemaGap &g : schemaGaps)
        (g.unknown ? unfillable : missing)
            .append(QJsonObject{{u"table"_s, g.table}, {u"column"_s, g.column}, {u"required"_s, g.required},
                                {u"meaning"_s, g.meaning}});
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
        {u"missingColumns"_s, missing},
        {u"unfillableColumns"_s, unfillable},
        {u"schemaWritable"_s, blockingGap() == nullptr},
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
    for (const SchemaGap &g : schemaGaps)
        lines << (g.unknown ? tr("  CANNOT FILL: %1.%2: %3")
                  : g.required ? tr("  MISSING COLUMN (required, nothing can be written): %1.%2: %3")
                               : tr("  MISSING COLUMN (not written): %1.%2: %3"))
                     .arg(g.table, g.column, g.meaning);
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
                       {u"organizationPresent"_s, organizationPresent},
                       {u"studentLinksExpected"_s, studentLinksExpected},
                       {u"classroomLinksExpected"_s, classroomLinksExpected},
                       {u"teachersExpected"_s, teachersExpected},
                       {u"classroomsExpected"_s, classroomsExpected},
                       {u"studentsExpected"_s, studentsExpected},
                       {u"incidentsDuplicated"_s, incidentsDuplicated},
                       {u"incidentFieldsChecked"_s, incidentFieldsChecked},
                       {u"incidentFieldsDiffering"_s, incidentFieldsDiffering},
                       {u"studentFieldsChecked"_s, studentFieldsChecked},
                       {u"studentFieldsDiffering"_s, studentFieldsDiffering},
                       {u"differences"_s, QJsonArray::fromStringList(differences)}};
}

RecoveryWriter::RecoveryWriter(Database &db, const RecoveryInput &input)
    : m_db(db), m_input(input)
{
}

namespace {
PlanState readPlan(Database &db, const RecoveryInput &in, const RecoveryDryRun &keys, Progress *progress)
{
    if (progress)
        progress->begin(tr("Planning"), 0);
    try {
        pqxx::read_transaction tx(*db.d()->conn);
        return computePlan(tx, db.d(), in, progress, keys);
    } catch (const Cancelled &) {
        throw;
    } catch (const UserError &) {
        throw;
    } catch (const std::exception &e) {
        throw DatabaseError(tr("Cannot read the database to plan the recovery: %1").arg(describeDbError(e)));
    }
}
} // namespace

RecoveryPlan RecoveryWriter::plan(Progress *progress)
{
    return readPlan(m_db, m_input, *planKeys(m_input), progress).plan;
}

bool RecoveryWriter::runCommitted(Database &db, const QString &runId)
{
    pqxx::read_transaction tx(*db.d()->conn);
    const std::string needle = "\"runId\":\"" + toStd(runId) + "\"";
    const pqxx::row r = tx.exec_params1(
        R"(SELECT count(*) FROM "AuditLog" WHERE "action" = 'recovery.apply' AND strpos("meta", $1) > 0)", needle);
    return r[0].as<qint64>() > 0;
}

namespace {
// The connection broke during COMMIT. Never apply blindly again: ask the server, from a new connection,
// what became of this transaction.
void settleLostCommit(const ConnectionSpec &spec, const ApplyResult &result)
{
    CommitOutcome outcome = CommitOutcome::Unknown;
    try {
        Database again(spec);
        outcome = RecoveryWriter::commitOutcome(again, result.transactionId, result.runId);
    } catch (const std::exception &) {
        // cannot be reached: unknown
    }
    if (outcome == CommitOutcome::RolledBack)
        throw RolledBackError(tr("The connection was lost during COMMIT; the database reports that this run's "
                                 "transaction (%1) was rolled back, so nothing was written. It is safe to run apply "
                                 "again.")
                                  .arg(result.transactionId));
    if (outcome == CommitOutcome::Unknown)
        throw OutcomeUnknownError(tr("The connection was lost during COMMIT and the outcome is UNKNOWN: the database "
                                     "could not tell whether transaction %1 was committed. Do not run apply again; "
                                     "run verify when the database is reachable (run id %2).")
                                      .arg(result.transactionId, result.runId));
}

// The meta of the run's AuditLog row: what was written and from what, plus the caller's additions (never
// replacing one of these keys).
QJsonObject auditLogMeta(const ApplyResult &result, const RecoveryPlan &plan, const RecoveryInput &input,
                         const ApplyOptions &options)
{
    auto counts = [](qint64 inserted, const TablePlan &t) {
        return QJsonObject{{u"inserted"_s, inserted}, {u"existing"_s, t.existing}, {u"conflicting"_s, t.conflicting}};
    };
    QJsonObject meta{
        {u"runId"_s, result.runId},
        {u"tool"_s, QStringLiteral("tracktally-recovery " TT_VERSION)},
        {u"school"_s, QJsonObject{{u"name"_s, input.school.name}, {u"domain"_s, input.school.domain}}},
        {u"projectSha256"_s, input.projectSha256},
        {u"backup"_s, result.backup.file},
        {u"skipConflicting"_s, options.skipConflicting},
        {u"counts"_s, QJsonObject{{u"Organization"_s, counts(result.insertedOrganizations, plan.organization)},
                                   {u"Teacher"_s, counts(result.insertedTeachers, plan.teachers)},
                                   {u"Classroom"_s, counts(result.insertedClassrooms, plan.classrooms)},
                                   {u"TeacherClass"_s, counts(result.insertedTeacherClasses, plan.teacherClasses)},
                                   {u"Student"_s, counts(result.insertedStudents, plan.students)},
                                   {u"Incident"_s, counts(result.insertedIncidents, plan.incidents)}}},
    };
    for (auto it = options.auditMeta.constBegin(); it != options.auditMeta.constEnd(); ++it)
        if (!meta.contains(it.key()))
            meta.insert(it.key(), it.value());
    return meta;
}
// A column the recovery must fill is missing (or the target has one it cannot fill): nothing is written.
void refuseIncompleteSchema(const RecoveryPlan &plan)
{
    const SchemaGap *g = plan.blockingGap();
    if (!g)
        return;
    throw RefusalError(g->unknown ? tr("Refusing to write: the table \"%1\" has a column \"%2\" that the recovery "
                                       "cannot fill. %3")
                                        .arg(g->table, g->column, g->meaning)
                                  : tr("Refusing to write: the table \"%1\" has no column \"%2\", which the recovery "
                                       "must fill. %3")
                                        .arg(g->table, g->column, g->meaning));
}

// The write transaction of one apply, as named steps: lock and plan again, stage the rows in this run's
// temporary tables (COPY), insert from them, write the audit row, commit (or roll back when nothing is new).
class ApplyRun
{
public:
    ApplyRun(DatabasePrivate *d, const RecoveryInput &input, const RecoveryDryRun &dryRun, const ApplyOptions &options,
             ApplyResult &result, Progress *progress);
    void lockAndPlan();
    [[noreturn]] void refuseLockHeld();
    void stageRows();
    void insertFromStaging();
    bool nothingNew() const;
    void rollBack();
    void writeAudit(const QString &performedBy);
    void commit();

private:
    std::string named(std::string sql) const;
    void createStagingTables();
    void tick();
    void stageTeachers();
    void stageClassrooms();
    void stageTeacherClasses();
    void stageStudents();
    void stageIncidents();
    // This school's classroom ids by code and its student ids: what an incident's links resolve to.
    struct LinkTargets
    {
        QHash<QString, std::string> classroomIds;
        QSet<QString> studentIds;
    };
    LinkTargets readLinkTargets();
    void writeIncidents();
    qint64 copyIncidents(pqxx::transaction_base &tx, const LinkTargets &targets);
    qint64 insertIncidentsFromStaging();
    struct Column
    {
        const char *name;
        std::string value; // an SQL expression
    };
    // `"a", "b"` and their values, leaving out the columns the target lacks (optional ones: the plan refused
    // the write when a required one is missing).
    std::pair<std::string, std::string> columnLists(const char *table, const std::vector<Column> &columns) const;
    qint64 insertSelect(const char *table, const std::vector<Column> &columns, const std::string &from);
    void insertOrganization();
    void finish();

    DatabasePrivate *m_d;
    const RecoveryInput &m_in;
    const RecoveryDryRun &m_dryRun;
    const ApplyOptions &m_options;
    ApplyResult &m_result;
    Progress *m_progress;
    StepClock m_clock;
    pqxx::work m_tx;
    PlanState m_st;
    // This run's temporary tables: named per run, gone when the session ends or the transaction rolls back.
    // (No ON COMMIT DROP: the statement log of a recovery shows no DROP, DELETE, UPDATE, TRUNCATE or ALTER.)
    const std::string m_suffix;
    qint64 m_statements = 0;
    qint64 m_done = 0;
    qint64 m_total = 0; // rows to send, for the progress
};

ApplyRun::ApplyRun(DatabasePrivate *d, const RecoveryInput &input, const RecoveryDryRun &dryRun,
                   const ApplyOptions &options, ApplyResult &result, Progress *progress)
    : m_d(d), m_in(input), m_dryRun(dryRun), m_options(options), m_result(result), m_progress(progress), m_clock(result.steps),
      m_tx(*d->conn),
      m_suffix(toStd(u'_' + newCuid()))
{
    ++m_statements; // BEGIN
}

std::string ApplyRun::named(std::string sql) const
{
    for (size_t pos = sql.find("_RUN"); pos != std::string::npos; pos = sql.find("_RUN", pos))
        sql.replace(pos, 4, m_suffix);
    return sql;
}

// One writer at a time (the advisory lock), then the plan again inside the transaction: rows of another
// school that appeared since the dry run stop the write.
void ApplyRun::lockAndPlan()
{
    const bool locked = m_tx.exec(sessionLimits(m_d->statementTimeoutMs)
                                  + "SELECT pg_try_advisory_xact_lock(" TT_LOCK_KEY ")")[0][0]
                            .as<bool>();
    ++m_statements;
    if (!locked)
        refuseLockHeld();
    m_st = computePlan(m_tx, m_d, m_in, m_progress, m_dryRun, &m_dryRun.state);
    m_statements += 2;
    m_result.plan = m_st.plan;
    m_clock.lap(tr("lock and plan again"));
    refuseIncompleteSchema(m_st.plan);
    if (m_st.plan.hasConflicts() && !m_options.skipConflicting)
        throw RefusalError(tr("Refusing to write: rows of another school appeared meanwhile (%1).")
                               .arg(conflictsSummary(m_st.plan, 5)));
}

// Another run holds the lock: say who (the server process, its program and since when), write nothing.
void ApplyRun::refuseLockHeld()
{
    const pqxx::result holder = m_tx.exec(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''), "
        "to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.classid::bigint * 4294967296 + l.objid::bigint = " TT_LOCK_KEY);
    const QString who = holder.empty()
        ? tr("it has just finished")
        : tr("server process %1, %2%3, writing since %4 UTC")
              .arg(fromField(holder[0][0]), fromField(holder[0][1]),
                   holder[0][2].is_null() || fromField(holder[0][2]).isEmpty()
                       ? QString()
                       : tr(" from %1").arg(fromField(holder[0][2])),
                   fromField(holder[0][3]));
    throw RefusalError(tr("Another recovery is writing to this database right now (%1); nothing was written. Wait "
                          "until it has finished, then make the plan again: it shows what that run wrote, and apply "
                          "adds only what is still missing.")
                           .arg(who));
}

void ApplyRun::createStagingTables()
{
    m_tx.exec(named(R"SQL(
CREATE TEMP TABLE tt_teacher_RUN (id text, email text, display_name text, role text, is_specialist boolean);
CREATE TEMP TABLE tt_classroom_RUN (id text, name text, code text, homeroom_email text);
CREATE TEMP TABLE tt_teacherclass_RUN (id text, email text, code text);
CREATE TEMP TABLE tt_student_RUN (id text, student_id text, first_name text, last_name text, guardians text,
                              notes text, class_code text);
CREATE TEMP TABLE tt_incident_RUN (id text, uuid text, ts text, type text, link_student text, student_name text,
                               link_class text, class_code text, teacher_email text, level text, category text,
                               location text, action_taken text, note text, device text)
)SQL"));
    ++m_statements;
}

void ApplyRun::tick()
{
    if (++m_done % kProgressStep == 0) {
        checkCancel(m_progress);
        if (m_progress)
            m_progress->advance(m_done);
    }
}

void ApplyRun::stageRows()
{
    createStagingTables();
    const qint64 total = m_total = qint64(m_in.roster.teachers.size() + m_in.roster.classrooms.size()
                                + m_in.roster.students.size() + m_in.records.size());
    if (m_progress)
        m_progress->begin(tr("Sending rows"), total);
    m_done = 0;
    stageTeachers();
    stageClassrooms();
    stageTeacherClasses();
    stageStudents();
    checkCancel(m_progress);
    m_clock.lap(tr("stage the roster"));
}

void ApplyRun::stageTeachers()
{
    CopyStream s(m_tx, named("tt_teacher_RUN"), {"id", "email", "display_name", "role", "is_specialist"});
    for (const TeacherDraft &t : m_in.roster.teachers) {
        if (m_st.classify(m_st.teachers, t.email) != KeyState::New) // another school's, or already ours
            continue;
        const std::string id = toStd(newCuid()), email = toStd(t.email), name = toStd(t.displayName),
                          role = toStd(t.role.isEmpty() ? QStringLiteral("teacher") : t.role);
        s.write(std::array<const char *, 5>{id.c_str(), email.c_str(), opt(name), role.c_str(),
                                            t.isSpecialist ? "t" : "f"});
        tick();
    }
    s.complete();
    ++m_statements;
}

void ApplyRun::stageClassrooms()
{
    CopyStream s(m_tx, named("tt_classroom_RUN"), {"id", "name", "code", "homeroom_email"});
    for (const ClassroomDraft &c : m_in.roster.classrooms) {
        if (m_st.classify(m_st.classrooms, c.code) != KeyState::New)
            continue;
        const std::string id = toStd(newCuid()), name = toStd(c.name.isEmpty() ? c.code : c.name),
                          code = toStd(c.code), home = toStd(m_st.canonical(m_st.teachers, c.homeroomTeacherEmail));
        s.write(std::array<const char *, 4>{id.c_str(), name.c_str(), code.c_str(), opt(home)});
        tick();
    }
    s.complete();
    ++m_statements;
}

void ApplyRun::stageTeacherClasses()
{
    CopyStream s(m_tx, named("tt_teacherclass_RUN"), {"id", "email", "code"});
    for (const ClassroomDraft &c : m_in.roster.classrooms) {
        if (m_st.conflictingClassrooms.contains(c.code))
            continue;
        for (const QString &email : c.specialistEmails) {
            if (m_st.conflictingTeachers.contains(email))
                continue;
            const std::string id = toStd(newCuid()), e = toStd(m_st.canonical(m_st.teachers, email)),
                              code = toStd(m_st.canonical(m_st.classrooms, c.code));
            s.write(std::array<const char *, 3>{id.c_str(), e.c_str(), code.c_str()});
        }
    }
    s.complete();
    ++m_statements;
}

void ApplyRun::stageStudents()
{
    CopyStream s(m_tx, named("tt_student_RUN"),
                 {"id", "student_id", "first_name", "last_name", "guardians", "notes", "class_code"});
    for (const StudentDraft &sd : m_in.roster.students) {
        if (m_st.conflictingStudents.contains(sd.studentId))
            continue;
        const std::string id = toStd(newCuid()), sid = toStd(sd.studentId), first = toStd(sd.firstName),
                          last = toStd(sd.lastName), guardians = toStd(sd.guardians), notes = toStd(sd.notes),
                          code = toStd(m_st.canonical(m_st.classrooms, sd.classCode));
        s.write(std::array<const char *, 7>{id.c_str(), sid.c_str(), first.c_str(), last.c_str(), opt(guardians),
                                            opt(notes), opt(code)});
        tick();
    }
    s.complete();
    ++m_statements;
}

void ApplyRun::stageIncidents()
{
    CopyStream s(m_tx, named("tt_incident_RUN"),
                 {"id", "uuid", "ts", "type", "link_student", "student_name", "link_class", "class_code",
                  "teacher_email", "level", "category", "location", "action_taken", "note", "device"});
    const size_t half = m_in.records.size() / 2;
    for (size_t i = 0; i < m_in.records.size(); ++i) {
        if (i == half)
            testPause("copy");
        if (!m_st.plan.incidentAccepted[i])
            continue;
        const IncidentRecord &r = m_in.records[i];
        const PlannedLink &pl = m_st.plan.links[i];
        const std::string id = toStd(newCuid()), uuid = toStd(r.uuid), ts = formatTimestamp(r.timestampMs),
                          linkStudent = toStd(pl.studentId), name = toStd(r.studentName),
                          linkClass = toStd(m_st.canonical(m_st.classrooms, pl.classCode)),
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
    ++m_statements;
}

std::pair<std::string, std::string> ApplyRun::columnLists(const char *table, const std::vector<Column> &columns) const
{
    std::string names, values;
    for (const Column &c : columns) {
        if (!m_st.columns.has(table, c.name))
            continue;
        const char *sep = names.empty() ? "" : ", ";
        names += sep + ('"' + std::string(c.name) + '"');
        values += sep + c.value;
    }
    return {names, values};
}

qint64 ApplyRun::insertSelect(const char *table, const std::vector<Column> &columns, const std::string &from)
{
    const auto [names, values] = columnLists(table, columns);
    ++m_statements;
    return m_tx
        .exec_params(named("INSERT INTO \"" + std::string(table) + "\" (" + names + ")\n  SELECT " + values + "\n  "
                           + from + "\n  ON CONFLICT DO NOTHING"),
                     toStd(m_result.organizationId))
        .affected_rows();
}

// This school's Organization row: inserted, or the existing one (by domain) found.
void ApplyRun::insertOrganization()
{
    const auto [names, values] = columnLists("Organization", {{"id", "$1"}, {"name", "$2"}, {"domain", "$3"},
                                                              {"active", "true"}, {"lmsProvider", "'TRACKTALLY'"},
                                                              {"createdAt", TT_NOW_UTC}, {"updatedAt", TT_NOW_UTC}});
    const pqxx::row org = m_tx.exec_params1(
        "WITH ins AS (\n  INSERT INTO \"Organization\" (" + names + ")\n  VALUES (" + values
            + ")\n  ON CONFLICT DO NOTHING RETURNING \"id\")\n"
              R"(SELECT "id", true FROM ins UNION ALL SELECT "id", false FROM "Organization" WHERE "domain" = $3)",
        toStd(newCuid()), toStd(m_in.school.name), toStd(m_in.school.domain));
    ++m_statements;
    m_result.organizationId = fromField(org[0]);
    m_result.insertedOrganizations = org[1].as<bool>() ? 1 : 0;
}

// Each table from its staging table, joined to the rows it links to (this school's only); ON CONFLICT DO
// NOTHING, so a row that exists (or appeared) is skipped, never changed. $1 is the school's Organization id.
void ApplyRun::insertFromStaging()
{
    const std::string now = TT_NOW_UTC;
    insertOrganization();
    m_clock.lap(tr("write Organization"));
    m_result.insertedTeachers = insertSelect(
        "Teacher", {{"id", "t.id"}, {"email", "t.email"}, {"displayName", "t.display_name"}, {"role", "t.role"},
                    {"isSpecialist", "t.is_specialist"}, {"active", "true"}, {"createdAt", now},
                    {"organizationId", "$1"}},
        "FROM tt_teacher_RUN t");
    m_clock.lap(tr("write Teacher"));
    m_result.insertedClassrooms = insertSelect(
        "Classroom", {{"id", "c.id"}, {"name", "c.name"}, {"code", "c.code"}, {"archived", "false"},
                      {"createdAt", now}, {"organizationId", "$1"}, {"homeroomTeacherId", R"(t."id")"}},
        R"(FROM tt_classroom_RUN c LEFT JOIN "Teacher" t ON t."email" = c.homeroom_email AND t."organizationId" = $1)");
    m_clock.lap(tr("write Classroom"));
    m_result.insertedTeacherClasses = insertSelect(
        "TeacherClass", {{"id", "x.id"}, {"teacherId", R"(t."id")"}, {"classroomId", R"(c."id")"}, {"assignedAt", now}},
        R"(FROM tt_teacherclass_RUN x
  JOIN "Teacher" t ON t."email" = x.email AND t."organizationId" = $1
  JOIN "Classroom" c ON c."code" = x.code AND c."organizationId" = $1)");
    m_clock.lap(tr("write TeacherClass"));
    m_result.insertedStudents = insertSelect(
        "Student", {{"id", "s.id"}, {"studentId", "s.student_id"}, {"firstName", "s.first_name"},
                    {"lastName", "s.last_name"}, {"guardians", "s.guardians"}, {"notes", "s.notes"},
                    {"active", "true"}, {"createdAt", now}, {"updatedAt", now}, {"classroomId", R"(c."id")"},
                    {"organizationId", "$1"}},
        R"(FROM tt_student_RUN s LEFT JOIN "Classroom" c ON c."code" = s.class_code AND c."organizationId" = $1)");
    m_clock.lap(tr("write Student"));
    writeIncidents();
    if (m_progress)
        m_progress->advance(m_total);
    m_clock.lap(tr("write Incident"));
    testPause("insert");
    checkCancel(m_progress);
}

// The old way, kept for a race: every incident through its staging table, ON CONFLICT DO NOTHING.
qint64 ApplyRun::insertIncidentsFromStaging()
{
    const std::string now = TT_NOW_UTC;
    return insertSelect(
        "Incident", {{"id", "i.id"}, {"uuid", "i.uuid"}, {"timestamp", "i.ts::timestamp(3)"}, {"type", "i.type"},
                     {"studentId", R"(s."studentId")"}, {"studentName", "i.student_name"}, {"classroomId", R"(c."id")"},
                     {"classCode", "i.class_code"}, {"teacherEmail", "i.teacher_email"}, {"level", "i.level"},
                     {"category", "i.category"}, {"location", "i.location"}, {"actionTaken", "i.action_taken"},
                     {"note", "i.note"}, {"device", "i.device"}, {"createdAt", "i.ts::timestamp(3)"},
                     {"organizationId", "$1"}},
        R"(FROM tt_incident_RUN i
  LEFT JOIN "Student" s ON s."studentId" = i.link_student AND s."organizationId" = $1
  LEFT JOIN "Classroom" c ON c."code" = i.link_class AND c."organizationId" = $1)");
}

ApplyRun::LinkTargets ApplyRun::readLinkTargets()
{
    const pqxx::result rows = m_tx.exec_params(R"SQL(
SELECT 'C', "code", "id" FROM "Classroom" WHERE "organizationId" = $1
UNION ALL
SELECT 'S', "studentId", NULL FROM "Student" WHERE "organizationId" = $1
)SQL",
                                               toStd(m_result.organizationId));
    ++m_statements;
    LinkTargets t;
    for (const auto &row : rows) {
        if (row[0].c_str()[0] == 'C')
            t.classroomIds.insert(fromField(row[1]), row[2].c_str());
        else
            t.studentIds.insert(fromField(row[1]));
    }
    return t;
}

// Incidents go straight into "Incident" with COPY: only those the plan found new (each uuid once), their
// links resolved here exactly as the staging joins would (this school's rows only), so nothing needs ON
// CONFLICT. When a row appeared since the plan (the live app, a unique violation), that COPY is rolled back
// to its savepoint and the incidents go through staging and ON CONFLICT DO NOTHING instead.
void ApplyRun::writeIncidents()
{
    const LinkTargets targets = readLinkTargets();
    try {
        pqxx::subtransaction direct(m_tx, "tt_direct_copy");
        m_statements += 3; // SAVEPOINT, COPY, RELEASE
        m_result.insertedIncidents = copyIncidents(direct, targets);
        direct.commit();
        return;
    } catch (const pqxx::unique_violation &) {
        ++m_statements; // ROLLBACK TO SAVEPOINT
    }
    stageIncidents();
    m_result.insertedIncidents = insertIncidentsFromStaging();
}

qint64 ApplyRun::copyIncidents(pqxx::transaction_base &tx, const LinkTargets &targets)
{
    enum Col { Id, Uuid, Ts, Type, StudentId, StudentName, ClassroomId, ClassCode, TeacherEmail, Level, Category,
               Location, ActionTaken, Note, Device, CreatedAt, OrganizationId, ColCount };
    static const char *const names[ColCount] = {"id", "uuid", "timestamp", "type", "studentId", "studentName",
                                                "classroomId", "classCode", "teacherEmail", "level", "category",
                                                "location", "actionTaken", "note", "device", "createdAt",
                                                "organizationId"};
    std::vector<Col> cols;
    std::vector<std::string> quoted;
    for (int c = 0; c < ColCount; ++c)
        if (m_st.columns.has("Incident", names[c])) {
            cols.push_back(Col(c));
            quoted.push_back('"' + std::string(names[c]) + '"');
        }
    // per class code of the plan: the code as written and the classroom's id ("" = NULL)
    QHash<QString, std::pair<QString, std::string>> classes;
    for (const PlannedLink &pl : m_st.plan.links)
        if (!pl.classCode.isEmpty() && !classes.contains(pl.classCode)) {
            const QString code = m_st.canonical(m_st.classrooms, pl.classCode);
            classes.insert(pl.classCode, {code, targets.classroomIds.value(code)});
        }
    const std::string org = toStd(m_result.organizationId);
    CuidGenerator cuids;
    RawCopy copy(tx, "\"Incident\"", quoted);
    const size_t half = m_in.records.size() / 2;
    for (size_t i = 0; i < m_in.records.size(); ++i) {
        if (i == half) {
            copy.flush();
            testPause("copy");
        }
        if (!m_st.newIncident[i])
            continue;
        const IncidentRecord &r = m_in.records[i];
        const PlannedLink &pl = m_st.plan.links[i];
        const auto cls = pl.classCode.isEmpty() ? classes.cend() : classes.constFind(pl.classCode);
        char id[CuidGenerator::kLength], ts[32];
        cuids.next(id);
        const size_t tsLength = formatTimestamp(r.timestampMs, ts);
        for (const Col c : cols) {
            switch (c) {
            case Id: copy.plain(id, sizeof id); break;
            case Uuid: copy.text(r.uuid); break;
            case Ts:
            case CreatedAt: copy.plain(ts, tsLength); break;
            case Type: r.type == RecordType::Incident ? copy.plain("incident", 8) : copy.plain("commendation", 12); break;
            case StudentId: !pl.studentId.isEmpty() && targets.studentIds.contains(pl.studentId) ? copy.text(pl.studentId) : copy.null(); break;
            case StudentName: copy.text(r.studentName); break;
            case ClassroomId:
                cls == classes.cend() || cls->second.empty() ? copy.null()
                                                             : copy.plain(cls->second.data(), cls->second.size());
                break;
            case ClassCode: copy.nullable(cls == classes.cend() ? r.classCode : cls->first); break;
            case TeacherEmail: copy.text(r.teacherEmail); break;
            case Level: copy.text(r.level); break;
            case Category: copy.text(r.category); break;
            case Location: copy.text(r.location); break;
            case ActionTaken: copy.nullable(r.actionTaken); break;
            case Note: copy.nullable(r.note); break;
            case Device: copy.nullable(r.device); break;
            case OrganizationId: copy.plain(org.data(), org.size()); break;
            case ColCount: break;
            }
        }
        copy.endRow();
        tick();
    }
    copy.complete();
    return copy.rows();
}

bool ApplyRun::nothingNew() const
{
    const ApplyResult &r = m_result;
    return r.insertedOrganizations + r.insertedTeachers + r.insertedClassrooms + r.insertedTeacherClasses
        + r.insertedStudents + r.insertedIncidents
        == 0;
}

void ApplyRun::finish()
{
    m_result.statements = m_statements;
    m_d->statements += m_statements;
}

// A re-run with nothing new: roll back (the temporary tables go with it) and leave no trace.
void ApplyRun::rollBack()
{
    m_tx.abort();
    ++m_statements; // ROLLBACK
    m_clock.lap(tr("roll back (nothing new)"));
    m_result.nothingToWrite = true;
    finish();
}

// The run's AuditLog row; its insert also reads the transaction's id, which settles a lost COMMIT.
void ApplyRun::writeAudit(const QString &performedBy)
{
    const QJsonObject meta = auditLogMeta(m_result, m_st.plan, m_in, m_options);
    const auto [names, values] = columnLists("AuditLog", {{"id", "$1"}, {"action", "'recovery.apply'"},
                                                          {"performedBy", "$2"}, {"meta", "$3"},
                                                          {"createdAt", TT_NOW_UTC}});
    m_result.transactionId = fromField(m_tx.exec_params1(
        "INSERT INTO \"AuditLog\" (" + names + ") VALUES (" + values + ") RETURNING txid_current()::text",
        toStd(newCuid()), toStd(performedBy), QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString())[0]);
    ++m_statements;
    m_clock.lap(tr("audit row"));
    testPause("commit");
    checkCancel(m_progress);
}

// A connection that breaks during COMMIT leaves the outcome to be settled (settleLostCommit).
void ApplyRun::commit()
{
    ++m_statements; // COMMIT
    finish();
    try {
        m_tx.commit();
    } catch (const pqxx::in_doubt_error &) {
        m_result.outcomeWasUnknown = true;
    } catch (const pqxx::broken_connection &) {
        m_result.outcomeWasUnknown = true;
    }
    m_clock.lap(tr("commit"));
}
} // namespace

// The right database, reached directly, by a role that may do what the recovery needs; no unresolved
// conflicts (a dry run); a verified backup taken now. Throws tt::RefusalError, having written nothing.
std::shared_ptr<RecoveryDryRun> RecoveryWriter::refuseUnlessSafe(const ApplyOptions &options, ApplyResult &result,
                                                                 Progress *progress)
{
    StepClock clock(result.steps);
    const QString dbName = refuseUnsafeTarget(m_db, options);
    clock.lap(tr("check the target"));
    std::shared_ptr<RecoveryDryRun> dry = planKeys(m_input);
    dry->state = readPlan(m_db, m_input, *dry, progress);
    const RecoveryPlan &dryRun = dry->state.plan;
    clock.lap(tr("dry-run plan"));
    refuseIncompleteSchema(dryRun);
    if (dryRun.hasConflicts() && !options.skipConflicting)
        throw RefusalError(tr("Refusing to write: %1 rows belong to another school (%2). Resolve them, or use "
                              "--skip-conflicting to leave them out.")
                               .arg(qsizetype(dryRun.conflicts.size()))
                               .arg(conflictsSummary(dryRun, 5)));
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
    clock.lap(tr("backup (pg_dump, verified)"));
    return dry;
}

ApplyResult RecoveryWriter::apply(const ApplyOptions &options, Progress *progress)
{
    ApplyResult result;
    const std::shared_ptr<RecoveryDryRun> dryRun = refuseUnlessSafe(options, result, progress);
    result.runId = options.runId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.runId;
    const QString performedBy = options.performedBy.isEmpty() ? currentUser() : options.performedBy;
    try {
        ApplyRun run(m_db.d(), m_input, *dryRun, options, result, progress);
        run.lockAndPlan();
        run.stageRows();
        run.insertFromStaging();
        if (run.nothingNew()) {
            run.rollBack();
            return result;
        }
        run.writeAudit(performedBy);
        run.commit();
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
    // settle: a COMMIT whose answer was lost is asked after, never applied again blindly
    if (result.outcomeWasUnknown)
        settleLostCommit(m_db.spec(), result);
    return result;
}

CommitOutcome RecoveryWriter::commitOutcome(Database &db, const QString &transactionId, const QString &runId,
                                            int waitMs)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        QString status;
        {
            pqxx::nontransaction tx(*db.d()->conn);
            status = fromField(tx.exec_params1("SELECT txid_status($1::bigint)", toStd(transactionId))[0]);
        }
        if (status == QLatin1String("committed"))
            return CommitOutcome::Committed;
        if (status == QLatin1String("aborted"))
            return CommitOutcome::RolledBack;
        if (status.isEmpty()) // too old for the server to know: the audit row is the only witness
            return runCommitted(db, runId) ? CommitOutcome::Committed : CommitOutcome::Unknown;
        if (waited.elapsed() >= waitMs) // "in progress": the COMMIT is still in flight
            return CommitOutcome::Unknown;
        QThread::msleep(200);
    }
}

namespace {
// The fields of an incident as written (the query's columns 7-14, in this order), NULL read as empty.
void compareIncidentFields(const IncidentRecord &rec, const QStringList &found, VerifyResult &v,
                           const std::function<void(const QString &)> &diff)
{
    static const char *const names[] = {"studentName", "teacherEmail", "level",       "category",
                                        "location",    "actionTaken",  "note",        "device"};
    const QString expected[] = {rec.studentName, rec.teacherEmail, rec.level, rec.category,
                                rec.location,    rec.actionTaken,  rec.note,  rec.device};
    for (int f = 0; f < 8 && f < found.size(); ++f) {
        ++v.incidentFieldsChecked;
        if (found[f] != expected[f]) {
            ++v.incidentFieldsDiffering;
            diff(tr("Incident %1 has %2 \"%3\", expected \"%4\".")
                     .arg(rec.uuid, QString::fromLatin1(names[f]), found[f].left(80), expected[f].left(80)));
        }
    }
}

// This school's Student rows against the roster: names, guardians, notes and classroom.
void compareStudentFields(pqxx::transaction_base &tx, const QString &orgId, const Roster &roster,
                          const QSet<QString> &conflicting, const QSet<QString> &conflictingClassrooms, VerifyResult &v,
                          const std::function<void(const QString &)> &diff)
{
    const pqxx::result rows = tx.exec_params(R"SQL(
SELECT s."studentId", s."firstName", s."lastName", s."guardians", s."notes", c."code"
FROM "Student" s LEFT JOIN "Classroom" c ON c."id" = s."classroomId"
WHERE s."organizationId" = $1
)SQL",
                                             orgId.toStdString());
    QHash<QString, QStringList> found;
    for (const auto &row : rows)
        found.insert(fromField(row[0]), {fromField(row[1]), fromField(row[2]), fromField(row[3]), fromField(row[4]),
                                         fromField(row[5])});
    static const char *const names[] = {"firstName", "lastName", "guardians", "notes", "classroom"};
    for (const StudentDraft &s : roster.students) {
        const auto it = found.constFind(s.studentId);
        if (conflicting.contains(s.studentId) || it == found.cend())
            continue; // missing students are reported on their own
        // a class that belongs to another school was left out: the student has no classroom then
        const QString classCode = conflictingClassrooms.contains(s.classCode) ? QString() : s.classCode;
        const QString expected[] = {s.firstName, s.lastName, s.guardians, s.notes, classCode};
        for (int f = 0; f < 5; ++f) {
            ++v.studentFieldsChecked;
            if (f == 4 ? it->at(f).compare(expected[f], Qt::CaseInsensitive) != 0 : it->at(f) != expected[f]) {
                ++v.studentFieldsDiffering;
                diff(tr("Student %1 has %2 \"%3\", expected \"%4\".")
                         .arg(s.studentId, QString::fromLatin1(names[f]), it->at(f).left(80), expected[f].left(80)));
            }
        }
    }
}
using DiffFn = std::function<void(const QString &)>;

// An incident as found in the database (by uuid), with the fields compareIncidentFields() reads.
struct FoundIncident
{
    QString org, studentId, classCode, classOrg, type;
    QStringList fields; // as compareIncidentFields() lists them
    qint64 ms = 0;
    int copies = 0;
};

QHash<QString, FoundIncident> readIncidents(pqxx::transaction_base &tx, const RecoveryInput &in,
                                            const ColumnFacts &columns)
{
    // Without Incident.type (before TrackTally's incident-type migration) every row is an incident.
    const std::string type = columns.has("Incident", "type") ? R"(i."type")" : "'incident'";
    QStringList uuids;
    for (const IncidentRecord &r : in.records)
        uuids << r.uuid;
    const pqxx::result rows = tx.exec_params(R"SQL(
SELECT i."uuid", i."organizationId", i."studentId", c."code", c."organizationId",
       (extract(epoch FROM i."timestamp") * 1000)::bigint, )SQL" + type + R"SQL(,
       i."studentName", i."teacherEmail", i."level", i."category", i."location", i."actionTaken", i."note", i."device"
FROM "Incident" i LEFT JOIN "Classroom" c ON c."id" = i."classroomId"
WHERE i."uuid" = ANY($1::text[])
)SQL",
                                             pgTextArray(uuids));
    QHash<QString, FoundIncident> found;
    for (const auto &row : rows) {
        FoundIncident &r = found[fromField(row[0])];
        ++r.copies;
        r.org = fromField(row[1]);
        r.studentId = fromField(row[2]);
        r.classCode = fromField(row[3]);
        r.classOrg = fromField(row[4]);
        r.ms = row[5].as<qint64>();
        r.type = fromField(row[6]);
        r.fields.clear();
        for (int f = 7; f < 15; ++f)
            r.fields << fromField(row[f]);
    }
    return found;
}

// One present incident against its record and planned links.
void compareIncident(const IncidentRecord &rec, const FoundIncident &found, const RecoveryPlan &plan,
                     const PlannedLink &pl, VerifyResult &v, const DiffFn &diff)
{
    if (found.copies != 1) {
        ++v.incidentsDuplicated;
        diff(tr("Incident %1 is present %2 times.").arg(rec.uuid).arg(found.copies));
    }
    compareIncidentFields(rec, found.fields, v, diff);
    if (found.org != plan.organizationId)
        diff(tr("Incident %1 belongs to another organization.").arg(rec.uuid));
    v.studentLinksExpected += pl.studentId.isEmpty() ? 0 : 1;
    v.classroomLinksExpected += pl.classCode.isEmpty() ? 0 : 1;
    if (found.studentId != pl.studentId)
        diff(tr("Incident %1 links to student \"%2\", planned \"%3\".").arg(rec.uuid, found.studentId, pl.studentId));
    else if (!pl.studentId.isEmpty())
        ++v.linkedStudents;
    if (fold(found.classCode) != fold(pl.classCode)
        || (!found.classCode.isEmpty() && found.classOrg != plan.organizationId))
        diff(tr("Incident %1 links to class \"%2\", planned \"%3\".").arg(rec.uuid, found.classCode, pl.classCode));
    else if (!pl.classCode.isEmpty())
        ++v.linkedClassrooms;
    v.incidentFieldsChecked += 2;
    if (found.ms != rec.timestampMs) {
        ++v.incidentFieldsDiffering;
        diff(tr("Incident %1 has timestamp %2 ms, expected %3 ms.").arg(rec.uuid).arg(found.ms).arg(rec.timestampMs));
    }
    if (found.type != recordTypeKey(rec.type)) {
        ++v.incidentFieldsDiffering;
        diff(tr("Incident %1 has type \"%2\", expected \"%3\".").arg(rec.uuid, found.type, recordTypeKey(rec.type)));
    }
}

void verifyIncidents(pqxx::transaction_base &tx, const RecoveryInput &in, const PlanState &st, VerifyResult &v,
                     const DiffFn &diff, Progress *progress)
{
    const RecoveryPlan &plan = st.plan;
    const QHash<QString, FoundIncident> found = readIncidents(tx, in, st.columns);
    QSet<QString> checked;
    for (size_t i = 0; i < in.records.size(); ++i) {
        const IncidentRecord &rec = in.records[i];
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
        compareIncident(rec, *it, plan, plan.links[i], v, diff);
        if (v.incidentsChecked % kProgressStep == 0) {
            checkCancel(progress);
            if (progress)
                progress->advance(v.incidentsChecked);
        }
    }
}

// Every teacher, classroom (with its specialists) and student of the roster is there for this school.
void verifyRoster(const PlanState &st, const Roster &roster, VerifyResult &v, const DiffFn &diff)
{
    auto present = [&](const QHash<QString, Found> &h, const QString &key) {
        return st.classify(h, key) == KeyState::Ours;
    };
    for (const TeacherDraft &t : roster.teachers) {
        if (st.conflictingTeachers.contains(t.email))
            continue;
        ++v.teachersExpected;
        if (present(st.teachers, t.email))
            ++v.teachersPresent;
        else
            diff(tr("Teacher %1 is missing.").arg(t.email));
    }
    for (const ClassroomDraft &c : roster.classrooms) {
        if (st.conflictingClassrooms.contains(c.code))
            continue;
        ++v.classroomsExpected;
        if (present(st.classrooms, c.code))
            ++v.classroomsPresent;
        else
            diff(tr("Classroom %1 is missing.").arg(c.code));
        for (const QString &email : c.specialistEmails)
            if (!st.conflictingTeachers.contains(email) && !st.existingPairs.contains(fold(email) + u'\n' + fold(c.code)))
                diff(tr("Specialist %1 is not attached to class %2.").arg(email, c.code));
    }
    for (const StudentDraft &s : roster.students) {
        if (st.conflictingStudents.contains(s.studentId))
            continue;
        ++v.studentsExpected;
        if (present(st.students, s.studentId))
            ++v.studentsPresent;
        else
            diff(tr("Student %1 is missing.").arg(s.studentId));
    }
}
} // namespace

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
        const PlanState st = computePlan(tx, m_db.d(), m_input, progress, *planKeys(m_input));
        if (!st.plan.organizationExists) {
            diff(tr("There is no Organization row for %1.").arg(m_input.school.domain));
            return v;
        }
        v.organizationPresent = true;
        verifyIncidents(tx, m_input, st, v, diff, progress);
        verifyRoster(st, m_input.roster, v, diff);
        compareStudentFields(tx, st.plan.organizationId, m_input.roster, st.conflictingStudents,
                             st.conflictingClassrooms, v, diff);
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
