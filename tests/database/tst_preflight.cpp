// The app's `preflight` command end to end against the real sandbox PostgreSQL: a migration is rehearsed
// on a restored copy, never on the target. The seed incident's drop-and-recreate is refused (exit 3) naming
// Teacher, Classroom and Student; an additive migration passes (exit 0); a failing one shows PostgreSQL's
// message (exit 1). Every time, the target is exactly as it was: same rows, and no new index or column.
#include "dbtestsupport.h"

#include "database/database.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

const QString kDatabase = u"tst_preflight_stage"_s;
const QStringList kTables = {u"Organization"_s, u"Teacher"_s,  u"Classroom"_s, u"TeacherClass"_s,
                             u"Student"_s,      u"Incident"_s, u"AuditLog"_s,  u"Setting"_s};

// The seed incident: a "complete migration" for empty databases, run against one that held the school.
const char *const kDropAndRecreate = R"SQL(
DROP TABLE IF EXISTS "TeacherClass" CASCADE;
DROP TABLE IF EXISTS "Student" CASCADE;
DROP TABLE IF EXISTS "Classroom" CASCADE;
DROP TABLE IF EXISTS "Teacher" CASCADE;
CREATE TABLE "Teacher" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "displayName" TEXT,
    "role" TEXT NOT NULL DEFAULT 'teacher', "isSpecialist" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "organizationId" TEXT);
CREATE TABLE "Classroom" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "code" TEXT NOT NULL,
    "archived" BOOLEAN NOT NULL DEFAULT false, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "organizationId" TEXT NOT NULL, "homeroomTeacherId" TEXT);
CREATE TABLE "TeacherClass" ("id" TEXT NOT NULL PRIMARY KEY, "teacherId" TEXT NOT NULL, "classroomId" TEXT NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE "Student" ("id" TEXT NOT NULL PRIMARY KEY, "studentId" TEXT NOT NULL, "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL, "guardians" TEXT, "notes" TEXT, "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    "classroomId" TEXT, "organizationId" TEXT NOT NULL);
)SQL";

// TrackTally's own later migrations: new index, new nullable column, new table, a backfill of NULLs only.
const char *const kAdditive = R"SQL(
CREATE INDEX "Student_lastName_idx" ON "Student"("lastName");
ALTER TABLE "Teacher" ADD COLUMN "phone" TEXT;
CREATE TABLE "MobileAuthTicket" ("id" TEXT NOT NULL PRIMARY KEY, "teacherId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL);
)SQL";

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runApp(const QStringList &args)
{
    QProcess p;
    p.start(qEnvironmentVariable("TT_APP"), args);
    Run r;
    if (!p.waitForFinished(300000))
        return r;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

// Everything that shows whether the target was touched: every table's rows, every index and column.
QStringList targetState(const QString &url)
{
    QStringList state;
    for (const QString &t : kTables)
        state << t + u' ' + tableChecksum(url, t, u"true"_s);
    state << queryRows(url, u"SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"_s);
    state << queryRows(url, u"SELECT table_name || '.' || column_name FROM information_schema.columns "
                            "WHERE table_schema = 'public' ORDER BY 1"_s);
    return state;
}

} // namespace

class tst_Preflight : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rehearse_data();
    void rehearse();
    void envFileNamingAnotherDatabaseWarns();

private:
    QString writeFile(const QString &name, const QByteArray &text);
    QTemporaryDir m_tmp;
    Sandbox m_sandbox;
    QString m_url;
};

QString tst_Preflight::writeFile(const QString &name, const QByteArray &text)
{
    const QString path = m_tmp.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(text);
    return path;
}

void tst_Preflight::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_sandbox = fixtureSandbox();
    m_url = createScratchDatabase(m_sandbox, kDatabase);
    SchoolSpec spec;
    spec.students = 30;
    spec.incidents = 120;
    Database db(ConnectionSpec::parse(m_url));
    ApplyOptions o;
    o.confirmDatabase = kDatabase;
    o.backupDir = m_tmp.filePath(u"apply-backup"_s);
    RecoveryWriter(db, makeSchool(spec)).apply(o);
    // A table without a primary key: rows are then matched by their content.
    execSql(m_url, u"CREATE TABLE \"LegacyNote\" (body text, at timestamp(3)); INSERT INTO \"LegacyNote\" "
                   "SELECT 'note ' || (g % 5), '2025-03-01'::timestamp + g * interval '1 day' FROM generate_series(1, 20) g"_s);
}

void tst_Preflight::cleanupTestCase()
{
    dropDatabase(m_sandbox, kDatabase);
}

void tst_Preflight::rehearse_data()
{
    QTest::addColumn<QByteArray>("sql");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("expected");   // in the output
    QTest::addColumn<QStringList>("harmed");     // JSON harmedTables, in order
    QTest::newRow("seed-incident-drop-and-recreate")
        << QByteArray(kDropAndRecreate) << 3
        << QStringList{u"REFUSED"_s, u"Teacher (8 lost"_s, u"Classroom (4 lost"_s, u"Student (30 lost"_s,
                       u"(dropped and recreated)"_s, u"Do not run it on \"tst_preflight_stage\""_s}
        << QStringList{u"Classroom"_s, u"Student"_s, u"Teacher"_s, u"TeacherClass"_s};
    QTest::newRow("additive-index-column-table")
        << QByteArray(kAdditive) << 0 << QStringList{u"SAFE"_s, u"New tables: MobileAuthTicket"_s} << QStringList{};
    QTest::newRow("update-changes-existing-rows")
        << QByteArray("UPDATE \"Student\" SET \"notes\" = 'migrated' WHERE \"studentId\" < '30010';") << 3
        << QStringList{u"Student (0 lost, 10 changed of 30)"_s} << QStringList{u"Student"_s};
    QTest::newRow("delete-in-a-table-without-key")
        << QByteArray("DELETE FROM \"LegacyNote\" WHERE body = 'note 1';") << 3
        << QStringList{u"LegacyNote (4 lost"_s} << QStringList{u"LegacyNote"_s};
    QTest::newRow("drop-a-column-with-data")
        << QByteArray("ALTER TABLE \"Student\" DROP COLUMN \"guardians\";") << 3
        << QStringList{u"columns gone: guardians"_s} << QStringList{u"Student"_s};
    QTest::newRow("migration-fails")
        << QByteArray("CREATE INDEX \"x\" ON \"Student\"(\"lastName\");\nALTER TABLE \"Pupil\" ADD COLUMN \"x\" int;")
        << 1 << QStringList{u"relation \"Pupil\" does not exist"_s, u"FAILED"_s} << QStringList{};
}

void tst_Preflight::rehearse()
{
    QFETCH(QByteArray, sql);
    QFETCH(int, exitCode);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, harmed);
    const QString migration = writeFile(QString::fromLatin1(QTest::currentDataTag()) + u".sql"_s, sql);
    const QString json = m_tmp.filePath(QString::fromLatin1(QTest::currentDataTag()) + u".json"_s);
    const QStringList before = targetState(m_url);
    const Run r = runApp({u"preflight"_s, u"--database"_s, m_url, u"--migration"_s, migration, u"--json"_s, json});
    const QString all = r.out + r.err;
    QVERIFY2(r.exitCode == exitCode, qPrintable(u"exit %1\n%2"_s.arg(r.exitCode).arg(all)));
    for (const QString &e : expected)
        QVERIFY2(all.contains(e), qPrintable(e + u"\n"_s + all));
    // The target was never touched: same rows, no new index, column or table.
    QCOMPARE(targetState(m_url), before);
    QVERIFY(queryValue(m_url, u"SELECT to_regclass('\"Student_lastName_idx\"') IS NULL"_s) == u"t"_s);
    // It names what it rehearsed, and that a _stage database full of data may well be production.
    QVERIFY2(all.contains(u"database \"tst_preflight_stage\""_s), qPrintable(all));
    QVERIFY2(all.contains(u"system identifier "_s + queryValue(m_url, u"SELECT system_identifier::text FROM pg_control_system()"_s)),
             qPrintable(all));
    QVERIFY2(all.contains(u"named like a stage database"_s), qPrintable(all));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QStringList jsonHarmed;
    for (const QJsonValue &v : o.value(u"harmedTables").toArray())
        jsonHarmed << v.toString();
    QCOMPARE(jsonHarmed, harmed);
    QCOMPARE(o.value(u"safe").toBool(), exitCode == 0);
    QCOMPARE(o.value(u"migration").toObject().value(u"failed").toBool(), exitCode == 1);
    const QJsonObject timings = o.value(u"timingsMs").toObject();
    qInfo("%s: backup %lld ms, sandbox %lld ms, restore %lld ms, migration %lld ms, compare %lld ms, total %lld ms",
          QTest::currentDataTag(), timings.value(u"backup").toInteger(), timings.value(u"sandbox").toInteger(),
          timings.value(u"restore").toInteger(), timings.value(u"migration").toInteger(),
          timings.value(u"compare").toInteger(), timings.value(u"total").toInteger());
}

void tst_Preflight::envFileNamingAnotherDatabaseWarns()
{
    // The seed incident's .env: the app's URL points at _stage, the migrations' URL at _prod.
    const QString env = writeFile(u"tracktally.env"_s,
                                  "DATABASE_URL=\"postgresql://app:pw@ep-x-pooler.example.neon.tech/tst_preflight_stage?sslmode=require&pgbouncer=true\"\n"
                                  "DIRECT_DATABASE_URL=\"postgresql://owner:pw@ep-y.example.neon.tech/tracktally_prod?sslmode=require\"\n");
    const QString migration = writeFile(u"env-additive.sql"_s, kAdditive);
    const Run r = runApp({u"preflight"_s, u"--database"_s, m_url, u"--migration"_s, migration, u"--env"_s, env});
    const QString all = r.out + r.err;
    QVERIFY2(r.exitCode == 0, qPrintable(all));
    QVERIFY2(all.contains(u"DIFFERENT databases"_s), qPrintable(all));
    QVERIFY2(all.contains(u"DIRECT_DATABASE_URL in "_s + env + u" names the database \"tracktally_prod\" (prod)"_s),
             qPrintable(all));
    QVERIFY(!all.contains(u":pw@"_s));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_Preflight)
#include "tst_preflight.moc"
