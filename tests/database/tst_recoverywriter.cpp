// RecoveryWriter, Database, Backup against the real sandbox PostgreSQL (CTest fixture database_sandbox):
// identify, schema check, backup, plan, apply (empty schema, beside another school), refusals, cancel,
// idempotence, verify, and the server's statement log.
#include "dbtestsupport.h"

#include "common/errors.h"
#include "common/progress.h"
#include "database/backup.h"
#include "database/database.h"
#include "database/recoverywriter.h"

#include <sys/stat.h>
#include <QDir>
#include <QThread>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <pqxx/pqxx>
#include <thread>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

const QStringList kTables = {u"Organization"_s, u"Teacher"_s, u"Classroom"_s, u"TeacherClass"_s,
                             u"Student"_s,      u"Incident"_s, u"AuditLog"_s,  u"Setting"_s};

QString snapshot(const QString &url, bool withAudit = true)
{
    QStringList parts;
    for (const QString &t : kTables)
        if (withAudit || t != u"AuditLog"_s)
            parts << t + u'=' + tableChecksum(url, t, u"true"_s);
    return parts.join(u' ');
}

QString orgId(const QString &url, const QString &domain)
{
    return queryValue(url, u"SELECT \"id\" FROM \"Organization\" WHERE \"domain\" = '%1'"_s.arg(domain));
}

// Every row of another school, as one checksum per table.
QString schoolChecksum(const QString &url, const QString &org)
{
    const QString o = u"'%1'"_s.arg(org);
    return QStringList{
        tableChecksum(url, u"Organization"_s, u"t.\"id\" = "_s + o),
        tableChecksum(url, u"Teacher"_s, u"t.\"organizationId\" = "_s + o),
        tableChecksum(url, u"Classroom"_s, u"t.\"organizationId\" = "_s + o),
        tableChecksum(url, u"TeacherClass"_s,
                      u"t.\"classroomId\" IN (SELECT \"id\" FROM \"Classroom\" WHERE \"organizationId\" = "_s + o + u')'),
        tableChecksum(url, u"Student"_s, u"t.\"organizationId\" = "_s + o),
        tableChecksum(url, u"Incident"_s, u"t.\"organizationId\" = "_s + o),
    }.join(u' ');
}

class CancelAfterFirstAdvance : public Progress
{
public:
    void advance(qint64) override { m_cancel = true; }
    bool cancelRequested() const override { return m_cancel; }

private:
    bool m_cancel = false;
};

// Asks to cancel as soon as the backup begins: pg_dump is started, then stopped.
class CancelOnBegin : public Progress
{
public:
    void begin(const QString &, qint64) override { m_cancel = true; }
    bool cancelRequested() const override { return m_cancel; }

private:
    bool m_cancel = false;
};

uint modeOf(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0xFFFF;
    return st.st_mode & 0777;
}

} // namespace

class tst_RecoveryWriter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void identify_data();
    void identify();
    void migratedSchema_data();
    void migratedSchema();
    void backup_data();
    void backup();
    void backupCancelled();
    void applyIntoEmpty_data();
    void applyIntoEmpty();
    void applyBesideOtherSchool_data();
    void applyBesideOtherSchool();
    void caseInsensitiveKeys_data();
    void caseInsensitiveKeys();
    void dumpHeader_data();
    void dumpHeader();
    void settleCommit_data();
    void settleCommit();
    void refusals_data();
    void refusals();
    void cancel_data();
    void cancel();
    void statementLog_data();
    void statementLog();
    void rowAppearsDuringCopy();
    void repeatedUuids();

private:
    QString scratch(const QString &name);
    void checkIncidents(const QString &url, const RecoveryInput &in, const QSet<QString> &conflictingCodes,
                        const QSet<QString> &conflictingStudents);

    Sandbox m_sandbox;
    QStringList m_databases;
    QTemporaryDir m_backups;
};

void tst_RecoveryWriter::initTestCase()
{
    m_sandbox = fixtureSandbox();
    QVERIFY(m_backups.isValid());
}

void tst_RecoveryWriter::cleanupTestCase()
{
    for (const QString &db : std::as_const(m_databases))
        dropDatabase(m_sandbox, db);
}

QString tst_RecoveryWriter::scratch(const QString &name)
{
    QString db = u"tst_rw_"_s + name;
    db.replace(QRegularExpression(u"[^a-z0-9_]"_s), u"_"_s);
    m_databases << db;
    return createScratchDatabase(m_sandbox, db);
}

void tst_RecoveryWriter::identify_data()
{
    QTest::addColumn<QString>("damage");        // SQL run on the scratch database first
    QTest::addColumn<QStringList>("missingTables");
    QTest::addColumn<QStringList>("missingColumns");
    QTest::addColumn<QStringList>("missingEnum");
    QTest::newRow("full-schema") << QString() << QStringList() << QStringList() << QStringList();
    QTest::newRow("incident-table-gone") << u"DROP TABLE \"Incident\""_s << QStringList{u"Incident"_s}
                                         << QStringList() << QStringList();
    QTest::newRow("student-guardians-gone") << u"ALTER TABLE \"Student\" DROP COLUMN \"guardians\""_s << QStringList()
                                            << QStringList{u"Student.guardians"_s} << QStringList();
    // lmsProvider was never a migration: a database without it (and without the enum) is TrackTally's.
    QTest::newRow("lmsprovider-gone") << u"ALTER TABLE \"Organization\" DROP COLUMN \"lmsProvider\"; DROP TYPE \"LmsProvider\""_s
                                      << QStringList() << QStringList() << QStringList();
    QTest::newRow("enum-label-gone") << u"ALTER TYPE \"LmsProvider\" RENAME VALUE 'SIMON' TO 'OTHER'"_s << QStringList()
                                     << QStringList() << QStringList{u"LmsProvider.SIMON"_s};
    QTest::newRow("unfillable-column") << u"ALTER TABLE \"Teacher\" ADD COLUMN \"badge\" text NOT NULL"_s << QStringList()
                                       << QStringList() << QStringList();
}

void tst_RecoveryWriter::identify()
{
    QFETCH(QString, damage);
    const QString url = scratch(QString::fromLatin1(QTest::currentDataTag()));
    if (!damage.isEmpty())
        execSql(url, damage);
    Database db(ConnectionSpec::parse(url));
    const SchemaReport schema = db.checkSchema();
    QTEST(schema.missingTables, "missingTables");
    QTEST(schema.missingColumns, "missingColumns");
    QTEST(schema.missingEnumValues, "missingEnum");
    const bool tolerated = damage.contains(u"DROP COLUMN \"lmsProvider\""_s);
    QCOMPARE(schema.ok(), damage.isEmpty() || tolerated);
    QCOMPARE(schema.optionalColumnsMissing, tolerated ? QStringList{u"Organization.lmsProvider"_s} : QStringList());
    QCOMPARE(schema.unfillableColumns,
             damage.contains(u"badge"_s) ? QStringList{u"Teacher.badge"_s} : QStringList());
    // What each gap means, said in the report.
    const QString meaning = tolerated                           ? u"LmsProvider script"_s
        : damage.contains(u"badge"_s)                           ? u"the recovery cannot fill"_s
        : damage.contains(u"guardians"_s)                       ? u"The recovery must fill this column"_s
                                                                : QString();
    QVERIFY2(schema.describe().contains(meaning), qPrintable(schema.describe()));

    const ServerIdentity id = db.identify(u"wattlegrove.example.edu.au"_s);
    QCOMPARE(id.database, url.section(u'/', 3).section(u'?', 0, 0));
    QCOMPARE(id.user, u"tracktally"_s);
    QCOMPARE(id.host, m_sandbox.socketDir());
    QVERIFY(id.serverVersionNum >= 150000);
    QVERIFY(!id.systemIdentifier.isEmpty()); // a superuser may read pg_control_system()
    QCOMPARE(id.schemaPresent, !damage.startsWith(u"DROP TABLE"_s));
    QVERIFY(id.organizationId.isEmpty());
    if (id.schemaPresent) {
        QCOMPARE(qsizetype(id.counts.size()), 6);
        for (const TableCount &c : id.counts)
            QCOMPARE(c.thisSchool + c.otherSchools, 0);
    }
    QVERIFY(id.describe().contains(id.database));
}

// Databases built by TrackTally's own migrations (never from the full schema): no Organization.lmsProvider, and
// before migration 4 no Incident.type. Rows from before the organizations migration belong to its "legacy-org"
// row. The writer writes the columns there are, says what is missing, refuses only when it must fill a missing
// column (Incident.type with commendations to write), and never touches legacy-org's rows.
void tst_RecoveryWriter::migratedSchema_data()
{
    QTest::addColumn<int>("migrations");
    QTest::addColumn<bool>("incidentsOnly"); // leave the commendations out of the recovery
    QTest::addColumn<bool>("schemaOk");
    QTest::addColumn<QStringList>("gaps");   // "Table.column required|optional"
    QTest::newRow("all-migrations") << 4 << false << true << QStringList{u"Organization.lmsProvider optional"_s};
    QTest::newRow("before-incident-type-commendations")
        << 3 << false << true << QStringList{u"Organization.lmsProvider optional"_s, u"Incident.type required"_s};
    QTest::newRow("before-incident-type-incidents-only")
        << 3 << true << true << QStringList{u"Organization.lmsProvider optional"_s, u"Incident.type optional"_s};
    QTest::newRow("before-organizations") << 1 << false << false << QStringList();
}

void tst_RecoveryWriter::migratedSchema()
{
    QFETCH(int, migrations);
    QFETCH(bool, incidentsOnly);
    QFETCH(bool, schemaOk);
    QFETCH(QStringList, gaps);
    QString name = u"tst_rw_mig_"_s + QString::fromLatin1(QTest::currentDataTag());
    name.replace(u'-', u'_');
    m_databases << name;
    // A school that used TrackTally before organizations existed: its rows go to legacy-org in migration 2.
    const QString legacy = uR"(
INSERT INTO "Teacher" ("id", "email", "displayName") VALUES ('clegacyteacher00000000000', 'old.teacher@legacy.local', 'Old Teacher');
INSERT INTO "Classroom" ("id", "name", "code", "homeroomTeacherId") VALUES ('clegacyclass0000000000000', 'Old Class', 'LEG1', 'clegacyteacher00000000000');
INSERT INTO "Student" ("id", "studentId", "firstName", "lastName", "updatedAt", "classroomId")
    VALUES ('clegacystudent00000000000', 'L0001', 'Test', 'Child', now(), 'clegacyclass0000000000000');
INSERT INTO "Incident" ("id", "uuid", "timestamp", "studentId", "studentName", "classroomId", "classCode", "teacherEmail",
                        "level", "category", "location")
    VALUES ('clegacyincident0000000000', '00000000-0000-4000-8000-000000000001', now(), 'L0001', 'Test Child',
            'clegacyclass0000000000000', 'LEG1', 'old.teacher@legacy.local', 'Minor', 'Other', 'Yard');
)"_s;
    const QString url = createMigratedDatabase(m_sandbox, name, migrations, legacy);
    Database db(ConnectionSpec::parse(url));
    const SchemaReport schema = db.checkSchema();
    QCOMPARE(schema.ok(), schemaOk);
    if (!schemaOk) { // before organizations: the recovery cannot keep schools apart
        QCOMPARE(schema.missingTables, QStringList{u"Organization"_s});
        QVERIFY(schema.missingColumns.contains(u"Incident.organizationId"_s));
        QVERIFY(schema.describe().contains(u"organizations migration"_s));
        return;
    }
    QVERIFY(schema.optionalColumnsMissing.contains(u"Organization.lmsProvider"_s));
    qInfo().noquote() << "schema check:" << schema.describe();
    const QString legacyBefore = schoolChecksum(url, u"legacy-org"_s);
    QCOMPARE(legacyBefore.section(u' ', 0, 0).section(u':', 0, 0), u"1"_s); // the Legacy School row

    SchoolSpec spec;
    spec.seed = 21;
    RecoveryInput in = makeSchool(spec);
    if (incidentsOnly) {
        RecoveryInput only = in;
        only.records.clear();
        only.roster.links.clear();
        for (size_t i = 0; i < in.records.size(); ++i)
            if (in.records[i].type == RecordType::Incident) {
                only.records.push_back(in.records[i]);
                only.roster.links.push_back(in.roster.links[i]);
            }
        in = only;
    }
    RecoveryWriter writer(db, in);
    const RecoveryPlan plan = writer.plan();
    qInfo().noquote() << plan.describe();
    QStringList found;
    for (const SchemaGap &g : plan.schemaGaps)
        found << g.table + u'.' + g.column + (g.required ? u" required"_s : u" optional"_s);
    QCOMPARE(found, gaps);
    const QJsonObject json = plan.toJson();
    QCOMPARE(json.value(u"missingColumns"_s).toArray().size(), gaps.size());
    QCOMPARE(json.value(u"missingColumns"_s).toArray().first().toObject().value(u"column"_s).toString(), u"lmsProvider"_s);
    QVERIFY(!json.value(u"missingColumns"_s).toArray().first().toObject().value(u"meaning"_s).toString().isEmpty());
    QCOMPARE(json.value(u"schemaWritable"_s).toBool(), !gaps.join(u',').contains(u"required"_s));
    QVERIFY(plan.describe().contains(u"MISSING COLUMN (not written): Organization.lmsProvider"_s));
    QVERIFY(json.contains(u"tables"_s) && json.contains(u"conflicts"_s)); // the existing keys stay

    ApplyOptions o;
    o.confirmDatabase = name;
    o.backupDir = m_backups.path();
    if (!json.value(u"schemaWritable"_s).toBool()) {
        const QString before = snapshot(url);
        try {
            writer.apply(o);
            QFAIL("apply wrote commendations into a database without Incident.type");
        } catch (const RefusalError &e) {
            QVERIFY2(e.message().contains(u"table \"Incident\" has no column \"type\""_s), qPrintable(e.message()));
            qInfo().noquote() << "refused:" << e.message();
        }
        QCOMPARE(snapshot(url), before);
        return;
    }
    const ApplyResult r = writer.apply(o);
    QCOMPARE(r.insertedOrganizations, 1);
    QCOMPARE(r.insertedIncidents, qint64(in.records.size()));
    QCOMPARE(r.insertedStudents, qint64(in.roster.students.size()));
    const VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsPresent, qint64(in.records.size()));
    QCOMPARE(schoolChecksum(url, u"legacy-org"_s), legacyBefore); // legacy-org and its rows untouched
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Organization\""_s), u"2"_s);
    if (migrations >= 4)
        QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Incident" WHERE "type" = 'commendation')"_s),
                 QString::number(std::count_if(in.records.begin(), in.records.end(), [](const IncidentRecord &rec) {
                     return rec.type == RecordType::Commendation;
                 })));
    // A second run: nothing new, nothing duplicated.
    QVERIFY(writer.apply(o).nothingToWrite);
}

void tst_RecoveryWriter::backup_data()
{
    QTest::addColumn<int>("incidents");
    QTest::newRow("empty-schema") << 0;
    QTest::newRow("with-a-school") << 300;
}

void tst_RecoveryWriter::backup()
{
    QFETCH(int, incidents);
    const QString url = scratch(u"backup_"_s + QString::fromLatin1(QTest::currentDataTag()));
    if (incidents > 0) {
        SchoolSpec spec;
        spec.incidents = incidents;
        const RecoveryInput in = makeSchool(spec);
        Database db(ConnectionSpec::parse(url));
        ApplyOptions o;
        o.confirmDatabase = db.databaseName();
        o.backupDir = m_backups.path();
        RecoveryWriter(db, in).apply(o);
    }
    Database db(ConnectionSpec::parse(url));
    QTemporaryDir dir;
    ::umask(022); // the usual umask, which would make the dump 0644
    const BackupResult b = Backup::run(db, dir.path() + u"/nested/backups"_s);
    QVERIFY(b.verified);
    QVERIFY(QFileInfo::exists(b.file));
    // A dump of every school's data: owner-only, in owner-only folders; nothing else left in the folder.
    QCOMPARE(modeOf(b.file), 0600u);
    QCOMPARE(modeOf(dir.path() + u"/nested"_s), 0700u);
    QCOMPARE(modeOf(dir.path() + u"/nested/backups"_s), 0700u);
    QCOMPARE(QDir(dir.path() + u"/nested/backups"_s).entryList(QDir::Files | QDir::Hidden),
             QStringList{QFileInfo(b.file).fileName()});
    QVERIFY(QFileInfo(b.file).fileName().startsWith(db.databaseName() + u'_'));
    QVERIFY(b.file.endsWith(u"Z.dump"_s));
    QCOMPARE(b.bytes, QFileInfo(b.file).size());
    QCOMPARE(b.tables.size(), 8);
    QCOMPARE(b.dumpedDatabase, db.databaseName()); // read from the archive's own header
    QVERIFY(!b.dumpedServerVersion.isEmpty());
    // The archive really holds the rows: restore it into a new database and compare.
    const QString restored = scratch(u"restored_"_s + QString::fromLatin1(QTest::currentDataTag()));
    execSql(restored, u"DROP TABLE \"Incident\", \"AuditLog\", \"Setting\", \"TeacherClass\", \"Student\", "
                      "\"Classroom\", \"Teacher\", \"Organization\"; DROP TYPE \"LmsProvider\""_s);
    QProcess restore;
    restore.start(Backup::findTool(u"pg_restore"_s), {u"--dbname"_s, ConnectionSpec::parse(restored).conninfo(), b.file});
    QVERIFY(restore.waitForFinished(60000));
    QCOMPARE(restore.exitCode(), 0);
    QCOMPARE(snapshot(restored), snapshot(url));
}

void tst_RecoveryWriter::backupCancelled()
{
    const QString url = scratch(u"backup_cancelled"_s);
    Database db(ConnectionSpec::parse(url));
    QTemporaryDir dir;
    CancelOnBegin cancel;
    QVERIFY_THROWS_EXCEPTION(Cancelled, Backup::run(db, dir.path(), &cancel));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList()); // no partial dump left
}

void tst_RecoveryWriter::checkIncidents(const QString &url, const RecoveryInput &in,
                                        const QSet<QString> &conflictingCodes, const QSet<QString> &conflictingStudents)
{
    const QString org = orgId(url, in.school.domain);
    QHash<QString, QStringList> rows;
    const QStringList all = queryRows(
        url, uR"(SELECT i."uuid", coalesce(i."studentId", ''), coalesce(c."code", ''),
                 (extract(epoch FROM i."timestamp") * 1000)::bigint, i."type", md5(coalesce(i."note", '')),
                 coalesce(i."actionTaken", ''), i."teacherEmail", i."studentName", i."level", i."category",
                 i."location", coalesce(i."device", ''), coalesce(c."organizationId", '')
          FROM "Incident" i LEFT JOIN "Classroom" c ON c."id" = i."classroomId"
          WHERE i."organizationId" = '%1')"_s.arg(org));
    for (const QString &line : all)
        rows.insert(line.section(u'\t', 0, 0), line.split(u'\t'));
    // Notes hold newlines and tabs: compare them separately, keyed by uuid.
    QHash<QString, QString> notes;
    for (const QString &line : queryRows(url, u"SELECT \"uuid\", encode(convert_to(coalesce(\"note\", ''), 'UTF8'), 'hex') "
                                              "FROM \"Incident\" WHERE \"organizationId\" = '%1'"_s.arg(org)))
        notes.insert(line.section(u'\t', 0, 0), QString::fromUtf8(QByteArray::fromHex(line.section(u'\t', 1).toLatin1())));
    QCOMPARE(qsizetype(rows.size()), qsizetype(in.records.size()));
    for (size_t i = 0; i < in.records.size(); ++i) {
        const IncidentRecord &r = in.records[i];
        const RecordLink &l = in.roster.links[i];
        QVERIFY2(rows.contains(r.uuid), qPrintable(r.uuid));
        const QStringList f = rows.value(r.uuid);
        const QString wantStudent = conflictingStudents.contains(l.studentId) ? QString() : l.studentId;
        const QString wantClass = conflictingCodes.contains(l.classCode) ? QString() : l.classCode;
        QCOMPARE(f.value(1), wantStudent);
        QCOMPARE(f.value(2), wantClass);
        QCOMPARE(f.value(3).toLongLong(), r.timestampMs);
        QCOMPARE(f.value(4), recordTypeKey(r.type));
        QCOMPARE(notes.value(r.uuid), r.note);
        QCOMPARE(f.value(6), r.actionTaken);
        QCOMPARE(f.value(7), r.teacherEmail);
        QCOMPARE(f.value(8), r.studentName);
        QCOMPARE(f.value(9), r.level);
        QCOMPARE(f.value(10), r.category);
        QCOMPARE(f.value(11), r.location);
        QCOMPARE(f.value(12), r.device);
        if (!wantClass.isEmpty())
            QCOMPARE(f.value(13), org); // never linked to another school's classroom
    }
}

void tst_RecoveryWriter::applyIntoEmpty_data()
{
    QTest::addColumn<int>("incidents");
    QTest::addColumn<int>("students");
    QTest::addColumn<int>("unlinkedEvery");
    QTest::newRow("small-school") << 250 << 40 << 10;
    QTest::newRow("all-linked") << 120 << 15 << 0;
    QTest::newRow("no-students-known") << 60 << 0 << 0;
    QTest::newRow("roster-without-logs") << 0 << 12 << 0;
}

void tst_RecoveryWriter::applyIntoEmpty()
{
    QFETCH(int, incidents);
    QFETCH(int, students);
    QFETCH(int, unlinkedEvery);
    SchoolSpec spec;
    spec.seed = 11;
    spec.incidents = incidents;
    spec.students = students;
    spec.unlinkedEvery = unlinkedEvery;
    const RecoveryInput in = makeSchool(spec);
    const QString url = scratch(u"empty_"_s + QString::fromLatin1(QTest::currentDataTag()));

    Database db(ConnectionSpec::parse(url));
    RecoveryWriter writer(db, in);
    const RecoveryPlan plan = writer.plan();
    QCOMPARE(plan.organization.toInsert, 1);
    QCOMPARE(plan.teachers.toInsert, qint64(in.roster.teachers.size()));
    QCOMPARE(plan.classrooms.toInsert, qint64(in.roster.classrooms.size()));
    QCOMPARE(plan.students.toInsert, qint64(students));
    QCOMPARE(plan.incidents.toInsert, qint64(incidents));
    QCOMPARE(plan.teacherClasses.toInsert, qint64(spec.classes * spec.specialists));
    QVERIFY(!plan.hasConflicts());
    QCOMPARE(snapshot(url), snapshot(url)); // sanity: the checksum is stable

    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    o.performedBy = u"admin@wattlegrove.example.edu.au"_s;
    const ApplyResult r = writer.apply(o);
    QCOMPARE(r.insertedOrganizations, 1);
    QCOMPARE(r.insertedTeachers, qint64(in.roster.teachers.size()));
    QCOMPARE(r.insertedClassrooms, qint64(spec.classes));
    QCOMPARE(r.insertedTeacherClasses, qint64(spec.classes * spec.specialists));
    QCOMPARE(r.insertedStudents, qint64(students));
    QCOMPARE(r.insertedIncidents, qint64(incidents));
    QCOMPARE(r.statements, 20); // constant, whatever the row count
    QVERIFY(QFileInfo::exists(r.backup.file));
    QVERIFY(!r.outcomeWasUnknown);
    QVERIFY(RecoveryWriter::runCommitted(db, r.runId));
    QVERIFY(!RecoveryWriter::runCommitted(db, u"no-such-run"_s));

    checkIncidents(url, in, {}, {});
    // Every generated id is a cuid; updatedAt is set; homeroom teachers linked.
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM (SELECT "id" FROM "Teacher" UNION ALL SELECT "id" FROM "Classroom"
        UNION ALL SELECT "id" FROM "Student" UNION ALL SELECT "id" FROM "Incident" UNION ALL SELECT "id" FROM "Organization"
        UNION ALL SELECT "id" FROM "TeacherClass" UNION ALL SELECT "id" FROM "AuditLog") x
        WHERE "id" !~ '^c[0-9a-z]{24}$')"_s), u"0"_s);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Student\" WHERE \"updatedAt\" IS NULL OR \"classroomId\" IS NULL"_s), u"0"_s);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Classroom\" WHERE \"homeroomTeacherId\" IS NOT NULL"_s),
             QString::number(spec.classes));
    QCOMPARE(queryValue(url, u"SELECT \"performedBy\" || ' ' || \"action\" FROM \"AuditLog\""_s),
             u"admin@wattlegrove.example.edu.au recovery.apply"_s);
    const QString meta = queryValue(url, u"SELECT \"meta\" FROM \"AuditLog\""_s);
    QVERIFY(meta.contains(u"\"runId\":\"%1\""_s.arg(r.runId)));
    QVERIFY(meta.contains(in.projectSha256));

    VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsPresent, qint64(incidents));
    // the checklist's numbers: everything expected is found, every field compared
    QCOMPARE(v.organizationPresent, true);
    QCOMPARE(v.linkedStudents, v.studentLinksExpected);
    QCOMPARE(v.linkedClassrooms, v.classroomLinksExpected);
    QCOMPARE(v.studentsPresent, v.studentsExpected);
    QCOMPARE(v.studentsExpected, qint64(in.roster.students.size()));
    QCOMPARE(v.incidentFieldsChecked, qint64(incidents) * 10);
    QCOMPARE(v.studentFieldsChecked, qint64(in.roster.students.size()) * 5);
    QCOMPARE(v.incidentFieldsDiffering + v.studentFieldsDiffering, qint64(0));

    // A second apply changes nothing, not even the AuditLog: its transaction is rolled back.
    const QString before = snapshot(url, false);
    const ApplyResult again = writer.apply(o);
    QCOMPARE(again.insertedIncidents + again.insertedStudents + again.insertedTeachers + again.insertedClassrooms
                 + again.insertedOrganizations + again.insertedTeacherClasses,
             0);
    QCOMPARE(again.plan.incidents.existing, qint64(incidents));
    QVERIFY(again.nothingToWrite);
    QVERIFY(again.describe().contains(u"not changed"_s));
    QCOMPARE(snapshot(url, false), before);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"AuditLog\""_s), u"1"_s);
    v = writer.verify();
    QVERIFY(v.ok());

    // Differences are found: a note and a student's guardians changed, then one incident removed behind our back.
    if (incidents > 0 && !in.roster.students.empty()) {
        execSql(url, u"UPDATE \"Incident\" SET \"note\" = 'changed' WHERE \"uuid\" = '%1'"_s.arg(in.records.back().uuid));
        execSql(url, u"UPDATE \"Student\" SET \"guardians\" = 'changed' WHERE \"studentId\" = '%1'"_s
                         .arg(in.roster.students.front().studentId));
        v = writer.verify();
        QCOMPARE(v.incidentFieldsDiffering, qint64(1));
        QCOMPARE(v.studentFieldsDiffering, qint64(1));
        QVERIFY2(v.differences.join(u'\n').contains(u"note"_s), qPrintable(v.differences.join(u'\n')));
    }
    if (incidents > 0) {
        execSql(url, u"DELETE FROM \"Incident\" WHERE \"uuid\" = '%1'"_s.arg(in.records.front().uuid));
        v = writer.verify();
        QVERIFY(!v.ok());
        QVERIFY(v.differences.first().contains(in.records.front().uuid));
    }
}

void tst_RecoveryWriter::applyBesideOtherSchool_data()
{
    QTest::addColumn<int>("otherClasses");   // the other school's classes share codes 1A, 1B, …
    QTest::addColumn<int>("sharedStudents"); // how many of our student ids the other school also uses
    QTest::newRow("two-class-codes-clash") << 2 << 0;
    QTest::newRow("codes-and-students-clash") << 1 << 5;
}

void tst_RecoveryWriter::applyBesideOtherSchool()
{
    QFETCH(int, otherClasses);
    QFETCH(int, sharedStudents);
    const QString url = scratch(u"beside_"_s + QString::fromLatin1(QTest::currentDataTag()));

    SchoolSpec otherSpec;
    otherSpec.seed = 99;
    otherSpec.name = u"Banksia Hill School"_s;
    otherSpec.domain = u"banksiahill.example.edu.au"_s;
    otherSpec.classes = otherClasses;
    otherSpec.students = 10;
    otherSpec.studentIdPrefix = u"9"_s;
    otherSpec.incidents = 80;
    const RecoveryInput other = makeSchool(otherSpec);
    {
        Database db(ConnectionSpec::parse(url));
        ApplyOptions o;
        o.confirmDatabase = db.databaseName();
        o.backupDir = m_backups.path();
        RecoveryWriter(db, other).apply(o);
        if (sharedStudents > 0) // the other school also has students 30000..: a clash on studentId
            execSql(url, uR"(INSERT INTO "Student" ("id","studentId","firstName","lastName","updatedAt","organizationId")
                             SELECT 'c' || lpad(g::text, 24, '0'), '3' || lpad(g::text, 4, '0'), 'Other', 'Child',
                                    now(), (SELECT "id" FROM "Organization" WHERE "domain" = '%1')
                             FROM generate_series(0, %2) g)"_s.arg(otherSpec.domain).arg(sharedStudents - 1));
    }
    const QString otherOrg = orgId(url, otherSpec.domain);
    const QString otherBefore = schoolChecksum(url, otherOrg);

    SchoolSpec spec;
    spec.seed = 12;
    spec.classes = 4;
    spec.students = 30;
    spec.incidents = 300;
    const RecoveryInput in = makeSchool(spec);
    QSet<QString> clashingCodes, clashingStudents;
    for (const ClassroomDraft &c : other.roster.classrooms)
        clashingCodes.insert(c.code);
    for (int i = 0; i < sharedStudents; ++i)
        clashingStudents.insert(u"3%1"_s.arg(i, 4, 10, QChar(u'0')));

    Database db(ConnectionSpec::parse(url));
    RecoveryWriter writer(db, in);
    const RecoveryPlan plan = writer.plan();
    QCOMPARE(plan.classrooms.conflicting, qint64(otherClasses));
    QCOMPARE(plan.students.conflicting, qint64(sharedStudents));
    QCOMPARE(qsizetype(plan.conflicts.size()), qsizetype(otherClasses + sharedStudents));
    for (const RowConflict &c : plan.conflicts)
        QCOMPARE(c.otherSchool, otherSpec.name);
    QVERIFY(plan.describe().contains(otherSpec.name));
    QCOMPARE(plan.toJson().value(u"conflicts"_s).toArray().size(), qsizetype(otherClasses + sharedStudents));

    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    const QString untouched = snapshot(url);
    QVERIFY_THROWS_EXCEPTION(RefusalError, writer.apply(o)); // conflicts unresolved
    QCOMPARE(snapshot(url), untouched);

    o.skipConflicting = true;
    const ApplyResult r = writer.apply(o);
    QCOMPARE(r.insertedClassrooms, qint64(spec.classes - otherClasses));
    QCOMPARE(r.insertedStudents, qint64(spec.students - sharedStudents));
    QCOMPARE(r.insertedIncidents, qint64(spec.incidents));
    QCOMPARE(schoolChecksum(url, otherOrg), otherBefore);
    checkIncidents(url, in, clashingCodes, clashingStudents);
    // Students of a clashing class have no classroom; none points at the other school's classes.
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Student" s JOIN "Classroom" c ON c."id" = s."classroomId"
                                 WHERE s."organizationId" <> c."organizationId")"_s),
             u"0"_s);
    qint64 droppedExpected = 0;
    for (const RecordLink &l : in.roster.links)
        droppedExpected += (clashingCodes.contains(l.classCode) ? 1 : 0) + (clashingStudents.contains(l.studentId) ? 1 : 0);
    QCOMPARE(qint64(r.plan.droppedLinks.size()), droppedExpected);

    const VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    const QString afterFirst = snapshot(url, false);
    writer.apply(o);
    QCOMPARE(snapshot(url, false), afterFirst);
    QCOMPARE(schoolChecksum(url, otherOrg), otherBefore);
}

// Emails and class codes match existing rows ignoring case: this school's "Jane.Doe@…" is not inserted
// again (links use it); another school's is a conflict; both are reported (JSON "caseDifferences").
void tst_RecoveryWriter::caseInsensitiveKeys_data()
{
    QTest::addColumn<bool>("sameSchool");
    QTest::newRow("this-schools-rows") << true;
    QTest::newRow("another-schools-rows") << false;
}

void tst_RecoveryWriter::caseInsensitiveKeys()
{
    QFETCH(bool, sameSchool);
    SchoolSpec spec;
    spec.seed = 21;
    spec.classes = 3;
    spec.students = 20;
    spec.incidents = 120;
    const RecoveryInput in = makeSchool(spec);
    const QString url = scratch(u"case_"_s + QString::fromLatin1(QTest::currentDataTag()));
    const QString email = in.roster.teachers.front().email;
    const QString code = in.roster.classrooms.front().code;
    const QString shoutedEmail = email.left(email.indexOf(u'@')).toUpper() + email.mid(email.indexOf(u'@')).toUpper();
    const QString lowerCode = code.toLower();
    QVERIFY(shoutedEmail != email && lowerCode != code);
    const QString domain = sameSchool ? spec.domain : u"other.example.edu.au"_s;
    execSql(url, uR"(INSERT INTO "Organization" ("id","name","domain","updatedAt") VALUES ('c00000000000000000000000o1', '%1', '%2', now());
                     INSERT INTO "Teacher" ("id","email","organizationId") VALUES ('c00000000000000000000000t1', '%3', 'c00000000000000000000000o1');
                     INSERT INTO "Classroom" ("id","name","code","organizationId") VALUES ('c00000000000000000000000k1', 'Existing', '%4', 'c00000000000000000000000o1'))"_s
                     .arg(sameSchool ? spec.name : u"Other School"_s, domain, shoutedEmail, lowerCode));

    Database db(ConnectionSpec::parse(url));
    RecoveryWriter writer(db, in);
    const RecoveryPlan plan = writer.plan();
    QCOMPARE(qsizetype(plan.caseDifferences.size()), 2);
    for (const CaseDifference &c : plan.caseDifferences) {
        QCOMPARE(c.sameSchool, sameSchool);
        QCOMPARE(c.existing, c.table == u"Teacher" ? shoutedEmail : lowerCode);
        QCOMPARE(c.key, c.table == u"Teacher" ? email : code);
    }
    QCOMPARE(plan.toJson().value(u"caseDifferences"_s).toArray().size(), qsizetype(2));
    QVERIFY(plan.describe().contains(shoutedEmail));
    const qint64 teachers = qint64(in.roster.teachers.size()), classes = qint64(in.roster.classrooms.size());
    QCOMPARE(plan.teachers.toInsert, teachers - 1);
    QCOMPARE(plan.classrooms.toInsert, classes - 1);
    QCOMPARE(sameSchool ? plan.teachers.existing : plan.teachers.conflicting, qint64(1));
    QCOMPARE(sameSchool ? plan.classrooms.existing : plan.classrooms.conflicting, qint64(1));
    QCOMPARE(plan.hasConflicts(), !sameSchool);

    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    o.skipConflicting = !sameSchool;
    const ApplyResult r = writer.apply(o);
    QCOMPARE(r.insertedTeachers, teachers - 1);
    QCOMPARE(r.insertedClassrooms, classes - 1);
    // One row each, whatever the case: no second Teacher, no second Classroom.
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Teacher" WHERE lower("email") = '%1')"_s.arg(email)), u"1"_s);
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Classroom" WHERE lower("code") = '%1')"_s.arg(lowerCode)), u"1"_s);
    qint64 linkedToCode = 0;
    for (size_t i = 0; i < r.plan.links.size(); ++i)
        linkedToCode += r.plan.links[i].classCode == code ? 1 : 0;
    QCOMPARE(linkedToCode > 0, sameSchool); // another school's class is never linked to
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Incident" WHERE "classroomId" = 'c00000000000000000000000k1')"_s),
             QString::number(linkedToCode));
    if (sameSchool) {
        qint64 homeroomOf = 0, specialistOf = 0;
        for (const ClassroomDraft &c : in.roster.classrooms) {
            homeroomOf += c.code != code && c.homeroomTeacherEmail == email ? 1 : 0;
            specialistOf += c.specialistEmails.contains(email) ? 1 : 0;
        }
        QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Classroom" WHERE "homeroomTeacherId" = 'c00000000000000000000000t1')"_s),
                 QString::number(homeroomOf));
        QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "TeacherClass" WHERE "teacherId" = 'c00000000000000000000000t1')"_s),
                 QString::number(specialistOf));
    }
    const VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QVERIFY(writer.apply(o).nothingToWrite); // idempotent with the case differences too
}

// The backup is checked against its own header (pg_restore --list), not against the database's name twice.
void tst_RecoveryWriter::dumpHeader_data()
{
    QTest::addColumn<QString>("toc");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("mentions");
    const QString header = u";\n; Archive created at 2025-11-25 01:00:00 UTC\n;     dbname: %1\n;     TOC Entries: 80\n"
                           ";     Format: CUSTOM\n;     Dumped from database version: %2\n"
                           ";     Dumped by pg_dump version: 15.18\n;\n215; 1259 16390 TABLE public Incident tracktally\n"_s;
    QTest::newRow("matches") << header.arg(u"tracktally_prod"_s, u"15.18 (Debian 15.18-0+deb12u1)"_s) << true << QString();
    QTest::newRow("other-database") << header.arg(u"tracktally_stage"_s, u"15.18 (Debian 15.18-0+deb12u1)"_s) << false
                                    << u"tracktally_stage"_s;
    QTest::newRow("other-server") << header.arg(u"tracktally_prod"_s, u"16.4"_s) << false << u"16.4"_s;
    QTest::newRow("no-header") << u"215; 1259 16390 TABLE public Incident tracktally\n"_s << false << u"header"_s;
}

void tst_RecoveryWriter::dumpHeader()
{
    QFETCH(QString, toc);
    QFETCH(bool, ok);
    QFETCH(QString, mentions);
    BackupResult r;
    const QString problem = Backup::checkDumpHeader(toc, u"tracktally_prod"_s, u"15.18 (Debian 15.18-0+deb12u1)"_s, &r);
    QCOMPARE(problem.isEmpty(), ok);
    QVERIFY2(problem.contains(mentions), qPrintable(problem));
    if (ok) {
        QCOMPARE(r.dumpedDatabase, u"tracktally_prod"_s);
        QCOMPARE(r.dumpedServerVersion, u"15.18 (Debian 15.18-0+deb12u1)"_s);
    }
}

// A COMMIT whose answer was lost is settled by txid_status() from another connection: committed, rolled
// back, or (still in flight past the wait) unknown; a commit that lands during the wait is seen.
void tst_RecoveryWriter::settleCommit_data()
{
    QTest::addColumn<QString>("ending");
    QTest::addColumn<int>("outcome");
    QTest::newRow("committed") << u"commit"_s << int(CommitOutcome::Committed);
    QTest::newRow("rolled-back") << u"rollback"_s << int(CommitOutcome::RolledBack);
    QTest::newRow("still-in-flight") << u"never"_s << int(CommitOutcome::Unknown);
    QTest::newRow("commits-while-waiting") << u"late"_s << int(CommitOutcome::Committed);
}

void tst_RecoveryWriter::settleCommit()
{
    QFETCH(QString, ending);
    QFETCH(int, outcome);
    const QString url = scratch(u"settle_"_s + QString::fromLatin1(QTest::currentDataTag()));
    pqxx::connection writer(url.toStdString());
    auto tx = std::make_unique<pqxx::work>(writer);
    const QString xid = QString::fromStdString(tx->exec1("SELECT txid_current()::text")[0].c_str());
    tx->exec(R"(INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('settle', 'x', now()))");
    if (ending == u"commit")
        tx->commit();
    else if (ending == u"rollback")
        tx->abort();
    std::thread late;
    if (ending == u"late")
        late = std::thread([&tx] {
            QThread::msleep(700);
            tx->commit();
        });
    Database db(ConnectionSpec::parse(url));
    QElapsedTimer t;
    t.start();
    const CommitOutcome o = RecoveryWriter::commitOutcome(db, xid, u"no-such-run"_s, ending == u"never" ? 1000 : 20000);
    if (late.joinable())
        late.join();
    QCOMPARE(int(o), outcome);
    if (ending == u"never") {
        QVERIFY(t.elapsed() >= 1000); // it waited for the COMMIT in flight before saying "unknown"
        tx->abort();
    }
    QCOMPARE(queryValue(url, uR"(SELECT count(*) FROM "Setting" WHERE "key" = 'settle')"_s),
             o == CommitOutcome::Committed ? u"1"_s : u"0"_s);
}

void tst_RecoveryWriter::refusals_data()
{
    QTest::addColumn<QString>("confirm");   // "@" = the right name
    QTest::addColumn<QString>("backupDir"); // "@" = a writable folder, "file" = a path that is a file
    QTest::addColumn<bool>("withConflict");
    QTest::newRow("no-confirmation") << QString() << u"@"_s << false;
    QTest::newRow("wrong-database-name") << u"tracktally_prod"_s << u"@"_s << false;
    QTest::newRow("no-backup-folder") << u"@"_s << QString() << false;
    QTest::newRow("backup-folder-is-a-file") << u"@"_s << u"file"_s << false;
    QTest::newRow("unresolved-conflict") << u"@"_s << u"@"_s << true;
}

void tst_RecoveryWriter::refusals()
{
    QFETCH(QString, confirm);
    QFETCH(QString, backupDir);
    QFETCH(bool, withConflict);
    const QString url = scratch(u"refuse_"_s + QString::fromLatin1(QTest::currentDataTag()));
    SchoolSpec spec;
    spec.incidents = 50;
    const RecoveryInput in = makeSchool(spec);
    if (withConflict)
        execSql(url, uR"(INSERT INTO "Organization" ("id","name","domain","updatedAt") VALUES ('c000000000000000000000000x', 'Other School', 'other.example', now());
                        INSERT INTO "Classroom" ("id","name","code","organizationId") VALUES ('c000000000000000000000000y', 'Theirs', '%1', 'c000000000000000000000000x'))"_s
                         .arg(in.roster.classrooms.front().code));
    const QString before = snapshot(url);
    QTemporaryDir tmp;
    QFile file(tmp.filePath(u"not-a-folder"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    Database db(ConnectionSpec::parse(url));
    ApplyOptions o;
    o.confirmDatabase = confirm == u"@"_s ? db.databaseName() : confirm;
    o.backupDir = backupDir == u"@"_s ? tmp.filePath(u"backups"_s) : backupDir == u"file"_s ? file.fileName() : QString();
    try {
        RecoveryWriter(db, in).apply(o);
        QFAIL("apply did not refuse");
    } catch (const RefusalError &e) {
        QVERIFY(!e.message().isEmpty());
    }
    QCOMPARE(snapshot(url), before);
}

void tst_RecoveryWriter::cancel_data()
{
    QTest::addColumn<int>("incidents");
    QTest::newRow("cancel-during-copy") << 25000;
}

void tst_RecoveryWriter::cancel()
{
    QFETCH(int, incidents);
    SchoolSpec spec;
    spec.incidents = incidents;
    const RecoveryInput in = makeSchool(spec);
    const QString url = scratch(u"cancel"_s);
    const QString before = snapshot(url);
    Database db(ConnectionSpec::parse(url));
    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    CancelAfterFirstAdvance progress;
    QVERIFY_THROWS_EXCEPTION(Cancelled, RecoveryWriter(db, in).apply(o, &progress));
    QCOMPARE(snapshot(url), before);
    // The same connection is still usable, and a re-run completes.
    const ApplyResult r = RecoveryWriter(db, in).apply(o);
    QCOMPARE(r.insertedIncidents, qint64(incidents));
}

void tst_RecoveryWriter::statementLog_data()
{
    QTest::addColumn<bool>("secondRun");
    QTest::newRow("first-apply") << false;
    QTest::newRow("repeat-apply") << true;
}

void tst_RecoveryWriter::statementLog()
{
    QFETCH(bool, secondRun);
    const QString url = scratch(u"log_"_s + QString::fromLatin1(QTest::currentDataTag()));
    SchoolSpec spec;
    const RecoveryInput in = makeSchool(spec);
    Database db(ConnectionSpec::parse(url));
    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    RecoveryWriter writer(db, in);
    if (secondRun)
        writer.apply(o);

    QFile log(m_sandbox.logFile());
    QVERIFY(log.open(QIODevice::ReadOnly));
    const qint64 offset = log.size();
    writer.plan();
    writer.apply(o);
    writer.verify();
    QTRY_VERIFY(log.size() > offset); // the server flushes its log asynchronously
    QTest::qWait(200);
    log.seek(offset);
    const QStringList lines = QString::fromUtf8(log.readAll()).split(u'\n');

    // Lines of our backend (prefix "%m [pid] "), plus the continuation lines of multi-line statements.
    const QString mine = u" [%1] "_s.arg(db.backendPid());
    static const QRegularExpression prefix(u"^\\d{4}-\\d\\d-\\d\\d \\d"_s);
    QStringList ours;
    bool inMine = false;
    for (const QString &line : lines) {
        if (prefix.match(line).hasMatch())
            inMine = line.contains(mine);
        if (inMine)
            ours << line;
    }
    const QString text = ours.join(u'\n');
    // incidents go straight into their table (COPY under a savepoint); the roster through staging and ON CONFLICT
    QVERIFY2(text.contains(u"COPY \"Incident\" (\"id\",\"uuid\""_s), "the statement log does not show this run");
    QVERIFY(text.contains(u"COPY tt_student_"_s));
    QVERIFY(text.contains(u"INSERT INTO \"Student\""_s));
    QVERIFY(!text.contains(u"INSERT INTO \"Incident\""_s));
    QVERIFY(text.contains(u"pg_try_advisory_xact_lock"_s));
    // Limits of the write transaction itself (kept across a libpqxx reconnect), and its id read before COMMIT.
    QVERIFY(text.contains(u"SET LOCAL statement_timeout = 120000; SET LOCAL lock_timeout = 30000; "
                          "SET LOCAL idle_in_transaction_session_timeout = 300000; SELECT pg_try_advisory_xact_lock"_s));
    QCOMPARE(text.contains(u"RETURNING txid_current()"_s), !secondRun);
    static const QRegularExpression forbidden(u"\\b(UPDATE|DELETE|DROP|TRUNCATE|ALTER)\\b"_s,
                                              QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = forbidden.match(text);
    QVERIFY2(!m.hasMatch(), qPrintable(u"forbidden statement in the log: "_s + m.captured(0)));
}

// A row that appears after the plan (the live app writing one of the recovery's uuids while its COPY runs) does
// not fail the apply: that COPY is rolled back to its savepoint and the incidents go through staging and ON
// CONFLICT DO NOTHING, leaving the other row as it is.
void tst_RecoveryWriter::rowAppearsDuringCopy()
{
    SchoolSpec spec;
    spec.seed = 21;
    spec.incidents = 400;
    const RecoveryInput in = makeSchool(spec);
    const QString url = scratch(u"race_copy"_s);
    const QString other = u"cotherschool0000000000000"_s;
    execSql(url, uR"(INSERT INTO "Organization" ("id", "name", "domain", "updatedAt")
                     VALUES ('%1', 'Other School', 'other.example.edu.au', now()))"_s.arg(other));
    const QString uuid = in.records.back().uuid; // sent after the pause halfway through the COPY
    Database db(ConnectionSpec::parse(url));
    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    qputenv("TT_TEST_PAUSE_AFTER", "copy");
    qputenv("TT_TEST_PAUSE_SECONDS", "3");
    ApplyResult r;
    QString error;
    std::thread writer([&] {
        try {
            r = RecoveryWriter(db, in).apply(o);
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
    });
    struct Join
    {
        std::thread &t;
        ~Join()
        {
            if (t.joinable())
                t.join();
            qunsetenv("TT_TEST_PAUSE_AFTER");
        }
    } join{writer};
    QTRY_COMPARE_WITH_TIMEOUT(queryValue(url, u"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                              "AND state = 'active' AND query LIKE 'COPY \"Incident\"%'"_s),
                              u"1"_s, 20000);
    execSql(url, uR"(INSERT INTO "Incident" ("id", "uuid", "timestamp", "studentName", "teacherEmail", "level", "category",
                                            "location", "organizationId")
                     VALUES ('cappwroteit00000000000000', '%1', now(), 'Someone Else', 'x@other.example.edu.au', 'Minor',
                             'Other', 'Yard', '%2'))"_s.arg(uuid, other));
    writer.join();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(r.plan.incidents.toInsert, qint64(in.records.size()));
    QCOMPARE(r.insertedIncidents, qint64(in.records.size()) - 1);
    QCOMPARE(r.statements, 23); // still constant: ROLLBACK TO SAVEPOINT, COPY into staging, INSERT … ON CONFLICT
    QCOMPARE(queryValue(url, u"SELECT \"organizationId\" || ' ' || \"studentName\" FROM \"Incident\" WHERE \"uuid\" = '%1'"_s
                                 .arg(uuid)),
             other + u" Someone Else"_s);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\""_s), QString::number(in.records.size()));
    const VerifyResult v = RecoveryWriter(db, in).verify();
    QCOMPARE(v.incidentsPresent, qint64(in.records.size()) - 1); // the other school's row is a conflict now
}

// The same uuid twice in the input (an offline queue retried; an edited copy): written once, as its first
// record has it; the plan counts it once.
void tst_RecoveryWriter::repeatedUuids()
{
    SchoolSpec spec;
    spec.seed = 22;
    spec.incidents = 50;
    RecoveryInput in = makeSchool(spec);
    for (const size_t i : {size_t(3), size_t(7), size_t(3)}) {
        IncidentRecord copy = in.records[i];
        if (i == 7)
            copy.note = u"edited later"_s;
        const RecordLink link = in.roster.links[i];
        in.records.push_back(copy);
        in.roster.links.push_back(link);
    }
    const QString url = scratch(u"repeated_uuids"_s);
    Database db(ConnectionSpec::parse(url));
    ApplyOptions o;
    o.confirmDatabase = db.databaseName();
    o.backupDir = m_backups.path();
    RecoveryWriter writer(db, in);
    const ApplyResult r = writer.apply(o);
    QCOMPARE(r.plan.incidents.toInsert, 50);
    QCOMPARE(r.insertedIncidents, 50);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\""_s), u"50"_s);
    QCOMPARE(queryValue(url, u"SELECT coalesce(\"note\", '') FROM \"Incident\" WHERE \"uuid\" = '%1'"_s
                                 .arg(in.records[7].uuid)),
             in.records[7].note);
    const VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsChecked, 50);
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RecoveryWriter)
#include "tst_recoverywriter.moc"
