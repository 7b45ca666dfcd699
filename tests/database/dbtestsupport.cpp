#include "dbtestsupport.h"

#include "common/errors.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QUuid>
#include <pqxx/pqxx>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

const QStringList kFirst = {u"Ava"_s,   u"Noah"_s,  u"Mia"_s,  u"Leo"_s,    u"Isla"_s, u"Kai"_s,
                            u"Zara"_s,  u"Eli"_s,   u"Ruby"_s, u"Arlo"_s,   u"Nina"_s, u"Otto"_s};
const QStringList kLast = {u"Quillfeather"_s, u"Brambleton"_s, u"Marchetti-Ode"_s, u"Van Der Lune"_s,
                           u"O'Rourke-Pike"_s, u"Tanaguchi"_s,  u"Delacroix"_s,     u"Nguyen-Hale"_s};
const QStringList kNotes = {
    QString(),
    u"Pushed in line, then said \"sorry\", twice"_s,
    u"Line one\nline two\ttabbed, back\\slash"_s,
    u"=SUM(A1:A2) left as text"_s,
    u"Helped a friend 🌟 at recess"_s,
    u"Comma, \"quote\", 'apostrophe'\r\nand CRLF"_s,
};

std::string s(const QString &q)
{
    return q.toStdString();
}

} // namespace

RecoveryInput makeSchool(const SchoolSpec &spec)
{
    QRandomGenerator rng(spec.seed);
    RecoveryInput in;
    in.school = {spec.name, spec.domain, u"Australia/Melbourne"_s};
    in.projectSha256 = QString(64, u'a');

    const QString local = spec.domain.section(u'.', 0, 0);
    for (int i = 0; i < spec.teachers; ++i) {
        TeacherDraft t;
        t.email = u"teacher%1.%2@%3"_s.arg(i).arg(spec.seed).arg(spec.domain);
        t.displayName = u"%1 %2"_s.arg(kFirst[i % kFirst.size()], kLast[(i + 3) % kLast.size()]);
        t.role = i == 0 ? u"admin"_s : u"teacher"_s;
        in.roster.teachers.push_back(t);
    }
    for (int i = 0; i < spec.specialists; ++i) {
        TeacherDraft t;
        t.email = u"specialist%1.%2@%3"_s.arg(i).arg(spec.seed).arg(spec.domain);
        t.displayName = QString(); // not known: NULL
        t.isSpecialist = true;
        in.roster.teachers.push_back(t);
    }
    std::sort(in.roster.teachers.begin(), in.roster.teachers.end(),
              [](const TeacherDraft &a, const TeacherDraft &b) { return a.email < b.email; });
    for (int i = 0; i < spec.classes; ++i) {
        ClassroomDraft c;
        c.code = u"%1%2%3"_s.arg(spec.codePrefix).arg(i / 2 + 1).arg(QChar(u'A' + i % 2));
        c.name = u"Year %1 %2"_s.arg(i / 2 + 1).arg(QChar(u'A' + i % 2));
        if (spec.teachers > 0)
            c.homeroomTeacherEmail = u"teacher%1.%2@%3"_s.arg(i % spec.teachers).arg(spec.seed).arg(spec.domain);
        for (int k = 0; k < spec.specialists; ++k)
            c.specialistEmails << u"specialist%1.%2@%3"_s.arg(k).arg(spec.seed).arg(spec.domain);
        in.roster.classrooms.push_back(c);
    }
    for (int i = 0; i < spec.students; ++i) {
        StudentDraft st;
        st.studentId = u"%1%2"_s.arg(spec.studentIdPrefix).arg(i, 4, 10, QChar(u'0'));
        st.firstName = kFirst[rng.bounded(int(kFirst.size()))];
        st.lastName = kLast[rng.bounded(int(kLast.size()))];
        st.classCode = spec.classes > 0 ? in.roster.classrooms[size_t(i % spec.classes)].code : QString();
        st.guardians = i % 3 == 0 ? u"Guardian of %1, phone 0400 000 %2"_s.arg(st.firstName).arg(i, 3, 10, QChar(u'0'))
                                  : QString();
        in.roster.students.push_back(st);
    }
    std::sort(in.roster.classrooms.begin(), in.roster.classrooms.end(),
              [](const ClassroomDraft &a, const ClassroomDraft &b) { return a.code < b.code; });
    const qint64 start = 1738368000000LL; // 2025-02-01T00:00:00Z
    const QStringList categories = {u"Disruption"_s, u"Defiance"_s, u"Unsafe play"_s, u"Kindness"_s};
    const QStringList locations = {u"Classroom"_s, u"Yard"_s, u"Specialist"_s, u"Transition"_s};
    for (int i = 0; i < spec.incidents; ++i) {
        IncidentRecord r;
        r.uuid = QUuid::createUuidV5(QUuid(u"6ba7b811-9dad-11d1-80b4-00c04fd430c8"_s),
                                     u"%1/%2/%3"_s.arg(spec.domain).arg(spec.seed).arg(i))
                     .toString(QUuid::WithoutBraces);
        r.timestampMs = start + qint64(rng.bounded(270 * 24 * 3600)) * 1000 + rng.bounded(1000);
        r.type = rng.bounded(10) < 8 ? RecordType::Incident : RecordType::Commendation;
        RecordLink link;
        if (spec.students > 0) {
            const StudentDraft &st = in.roster.students[size_t(rng.bounded(spec.students))];
            r.studentId = st.studentId;
            r.studentName = st.firstName + u' ' + st.lastName;
            r.classCode = st.classCode;
            if (spec.unlinkedEvery == 0 || i % spec.unlinkedEvery != 0) {
                link.studentId = st.studentId;
                link.classCode = st.classCode;
            } else {
                link.studentReason = u"generated as unlinked"_s;
                link.classroomReason = u"generated as unlinked"_s;
            }
        } else {
            r.studentName = u"Unknown Child"_s;
        }
        r.level = r.type == RecordType::Incident ? (i % 4 ? u"Minor"_s : u"Major"_s) : u"Notable"_s;
        r.category = categories[i % categories.size()];
        r.location = locations[i % locations.size()];
        r.actionTaken = i % 2 ? u"Restorative chat"_s : QString();
        r.note = kNotes[i % kNotes.size()];
        r.teacherEmail = in.roster.teachers[size_t(i) % in.roster.teachers.size()].email;
        link.teacherEmail = r.teacherEmail;
        r.device = u"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"_s;
        r.sourceRow = i + 2;
        in.records.push_back(r);
        in.roster.links.push_back(link);
    }
    Q_UNUSED(local)
    return in;
}

Sandbox fixtureSandbox()
{
    const QString dir = qEnvironmentVariable("TT_SANDBOX_DIR");
    if (dir.isEmpty())
        throw DatabaseError(u"TT_SANDBOX_DIR is not set: run this test through ctest (fixture database_sandbox)."_s);
    return Sandbox::open(dir);
}

QString createScratchDatabase(const Sandbox &sandbox, const QString &name)
{
    pqxx::connection c(s(sandbox.urlFor(u"postgres"_s)));
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(s(name)));
    tx.exec("CREATE DATABASE " + tx.quote_name(s(name)) + " TEMPLATE tracktally_sandbox");
    return sandbox.urlFor(name);
}

void dropDatabase(const Sandbox &sandbox, const QString &name)
{
    pqxx::connection c(s(sandbox.urlFor(u"postgres"_s)));
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(s(name)) + " WITH (FORCE)");
}

QString createMigratedDatabase(const Sandbox &sandbox, const QString &name, int migrations,
                               const QString &beforeOrganizations)
{
    {
        pqxx::connection c(s(sandbox.urlFor(u"postgres"_s)));
        pqxx::nontransaction tx(c);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(s(name)));
        tx.exec("CREATE DATABASE " + tx.quote_name(s(name)) + " TEMPLATE template0");
    }
    const QString url = sandbox.urlFor(name);
    const QDir dir(qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/database/migrations"_s);
    const QStringList files = dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    if (files.size() != 4)
        throw DatabaseError(u"TrackTally's migrations are not in %1 (TT_SOURCE_DIR)."_s.arg(dir.path()));
    for (int i = 0; i < migrations && i < files.size(); ++i) {
        QFile f(dir.filePath(files[i]));
        if (!f.open(QIODevice::ReadOnly))
            throw DatabaseError(u"Cannot read %1."_s.arg(f.fileName()));
        execSql(url, QString::fromUtf8(f.readAll()));
        if (i == 0 && !beforeOrganizations.isEmpty())
            execSql(url, beforeOrganizations);
    }
    return url;
}

QString queryValue(const QString &url, const QString &sql)
{
    const QStringList rows = queryRows(url, sql);
    return rows.isEmpty() ? QString() : rows.first().section(u'\t', 0, 0);
}

QStringList queryRows(const QString &url, const QString &sql)
{
    pqxx::connection c(s(url));
    pqxx::read_transaction tx(c);
    QStringList out;
    for (const auto &row : tx.exec(s(sql))) {
        QStringList fields;
        for (const auto &f : row)
            fields << (f.is_null() ? QString() : QString::fromUtf8(f.c_str()));
        out << fields.join(u'\t');
    }
    return out;
}

void execSql(const QString &url, const QString &sql)
{
    pqxx::connection c(s(url));
    pqxx::work tx(c);
    tx.exec(s(sql));
    tx.commit();
}

QString tableChecksum(const QString &url, const QString &table, const QString &where)
{
    return queryValue(url, u"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') "
                            "FROM \"%1\" t WHERE %2"_s.arg(table, where));
}

} // namespace tt::test
