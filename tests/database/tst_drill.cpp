// The app's `drill` command end to end against the real sandbox PostgreSQL: it passes while another
// connection keeps writing (the dump and the checksums share one exported snapshot), fails on a damaged
// dump, --keep removes only the drill's own backups, --schedule prints a timer that quotes safely.
#include "dbtestsupport.h"

#include "database/database.h"
#include "database/drill.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Starts the app; `whenPaused` runs once when it prints TT_TEST_PAUSED <pauseAt>.
Run runApp(const QStringList &args, const QByteArray &pauseAt = {}, const std::function<void()> &whenPaused = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!pauseAt.isEmpty()) {
        env.insert(u"TT_TEST_PAUSE_AFTER"_s, QString::fromLatin1(pauseAt));
        env.insert(u"TT_TEST_PAUSE_SECONDS"_s, u"2"_s);
    }
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("TT_APP"), args);
    Run r;
    if (!p.waitForStarted())
        return r;
    QByteArray err;
    bool paused = false;
    while (!p.waitForFinished(50)) {
        err += p.readAllStandardError();
        if (!paused && !pauseAt.isEmpty() && err.contains("TT_TEST_PAUSED " + pauseAt)) {
            paused = true;
            if (whenPaused)
                whenPaused();
        }
    }
    err += p.readAllStandardError();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(err);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    if (!pauseAt.isEmpty() && !paused)
        r.exitCode = -2; // the pause point was never reached: the test would prove nothing
    return r;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

qint64 sourceRows(const QJsonObject &drill, const QString &table)
{
    for (const QJsonValue &v : drill.value(u"tables").toArray())
        if (v.toObject().value(u"table").toString() == table)
            return v.toObject().value(u"sourceRows").toInteger(-1);
    return -1;
}

QString onlyDump(const QString &dir)
{
    const QStringList dumps = QDir(dir).entryList({u"*.dump"_s}, QDir::Files);
    return dumps.size() == 1 ? QDir(dir).filePath(dumps.first()) : QString();
}

} // namespace

class tst_Drill : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void passesWhileTheSchoolKeepsWriting();
    void failsOnADamagedDump_data();
    void failsOnADamagedDump();
    void keepRemovesOnlyTheDrillsOwnBackups();
    void schedule_data();
    void schedule();

private:
    QTemporaryDir m_tmp;
    Sandbox m_sandbox;
    QString m_url;
};

void tst_Drill::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_sandbox = fixtureSandbox();
    m_url = createScratchDatabase(m_sandbox, u"tst_drill"_s);
    SchoolSpec spec;
    spec.students = 60;
    spec.incidents = 400;
    const RecoveryInput in = makeSchool(spec);
    Database db(ConnectionSpec::parse(m_url));
    ApplyOptions o;
    o.confirmDatabase = u"tst_drill"_s;
    o.backupDir = m_tmp.filePath(u"apply-backup"_s);
    RecoveryWriter(db, in).apply(o);
    // A table outside TrackTally's and outside public: the drill compares every table the dump holds.
    execSql(m_url, u"CREATE SCHEMA extra; CREATE TABLE extra.\"Note\" (id serial PRIMARY KEY, body text, at timestamptz, "
                   "score double precision, raw bytea); INSERT INTO extra.\"Note\" (body, at, score, raw) "
                   "SELECT 'note ' || g || E'\\t✓', now() - g * interval '1 hour', g / 3.0, '\\x00ff'::bytea "
                   "FROM generate_series(1, 50) g"_s);
}

void tst_Drill::cleanupTestCase()
{
    dropDatabase(m_sandbox, u"tst_drill"_s);
}

void tst_Drill::passesWhileTheSchoolKeepsWriting()
{
    const QString dir = m_tmp.filePath(u"writing"_s);
    const QString json = m_tmp.filePath(u"writing.json"_s);
    const qint64 auditBefore = queryValue(m_url, u"SELECT count(*) FROM \"AuditLog\""_s).toLongLong();

    // The school keeps logging: new AuditLog rows and edited incident notes, committed one by one.
    std::atomic_bool stop{false};
    std::atomic_int writes{0};
    std::thread writer([&] {
        pqxx::connection c(m_url.toStdString());
        for (int i = 0; !stop.load(); ++i) {
            pqxx::work tx(c);
            tx.exec("INSERT INTO \"AuditLog\" (\"id\", \"action\", \"performedBy\") VALUES ('drill-w-" + std::to_string(i)
                    + "', 'test.write', 'writer@example.org')");
            tx.exec("UPDATE \"Incident\" SET \"note\" = coalesce(\"note\", '') || '+' WHERE \"id\" = "
                    "(SELECT \"id\" FROM \"Incident\" ORDER BY \"id\" OFFSET " + std::to_string(i % 300) + " LIMIT 1)");
            tx.commit();
            ++writes;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    int writesAtSnapshot = 0;
    const Run r = runApp({u"drill"_s, u"--database"_s, m_url, u"--dir"_s, dir, u"--json"_s, json}, "snapshot",
                         [&] { writesAtSnapshot = writes.load(); });
    stop = true;
    writer.join();
    const qint64 auditAfter = queryValue(m_url, u"SELECT count(*) FROM \"AuditLog\""_s).toLongLong();

    QVERIFY2(r.exitCode == 0, qPrintable(u"exit %1\n%2\n%3"_s.arg(r.exitCode).arg(r.out, r.err)));
    QVERIFY2(r.out.contains(u"PASS: all"_s), qPrintable(r.out));
    const QJsonObject o = readJson(json);
    QCOMPARE(o.value(u"ok").toBool(), true);
    QCOMPARE(o.value(u"failedTables").toInt(), 0);
    // Every table the school has, and the extra one, were compared.
    for (const QString &t : {u"Organization"_s, u"Teacher"_s, u"Classroom"_s, u"TeacherClass"_s, u"Student"_s,
                             u"Incident"_s, u"AuditLog"_s, u"Setting"_s, u"extra.Note"_s})
        QVERIFY2(sourceRows(o, t) >= 0, qPrintable(t));
    QCOMPARE(sourceRows(o, u"extra.Note"_s), 50);
    QCOMPARE(sourceRows(o, u"Incident"_s), 400);
    // The writes went on before, during and after the snapshot; the drill saw exactly the snapshot's rows.
    QVERIFY2(writesAtSnapshot > 0, "no write landed before the snapshot");
    const qint64 dumped = sourceRows(o, u"AuditLog"_s);
    QVERIFY2(dumped > auditBefore && dumped < auditAfter,
             qPrintable(u"before %1, in the dump %2, after %3"_s.arg(auditBefore).arg(dumped).arg(auditAfter)));
    QVERIFY(auditAfter - dumped >= 10); // 2 s of writes at ~5 ms each happened after the snapshot
    // The backup and its marker are private; the sandbox is gone.
    const QString dump = o.value(u"backup").toObject().value(u"file").toString();
    QCOMPARE(QFile::permissions(dump) & 0x0077, QFileDevice::Permissions());
    QVERIFY(QFile::exists(dump + u".drill.json"_s));
    QVERIFY(!QFile::exists(dir + u"/drill-sandbox/sandbox.json"_s));
    const QJsonObject timings = o.value(u"timingsMs").toObject();
    qInfo("drill timings (ms): backup %lld, sandbox %lld, restore %lld, compare %lld, total %lld; %lld bytes",
          timings.value(u"backup").toInteger(), timings.value(u"sandbox").toInteger(),
          timings.value(u"restore").toInteger(), timings.value(u"compare").toInteger(),
          timings.value(u"total").toInteger(), o.value(u"backup").toObject().value(u"bytes").toInteger());
}

void tst_Drill::failsOnADamagedDump_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("truncated-to-half") << u"truncate"_s;
    QTest::newRow("bytes-overwritten-in-the-middle") << u"overwrite"_s;
}

void tst_Drill::failsOnADamagedDump()
{
    QFETCH(QString, damage);
    const QString dir = m_tmp.filePath(u"damaged-"_s + damage);
    const QString json = dir + u".json"_s;
    bool damaged = false;
    const Run r = runApp({u"drill"_s, u"--database"_s, m_url, u"--dir"_s, dir, u"--json"_s, json}, "dump", [&] {
        QFile f(onlyDump(dir));
        if (!f.open(QIODevice::ReadWrite))
            return;
        const qint64 size = f.size();
        if (damage == u"truncate"_s) {
            damaged = f.resize(size / 2);
        } else {
            f.seek(size / 2);
            damaged = f.write(QByteArray(256, '\xA5')) == 256;
        }
    });
    QVERIFY(damaged);
    QVERIFY2(r.exitCode == 1, qPrintable(u"exit %1\n%2\n%3"_s.arg(r.exitCode).arg(r.out, r.err)));
    QVERIFY2(r.out.contains(u"FAIL"_s), qPrintable(r.out));
    QVERIFY(!r.out.contains(u"PASS: all"_s));
    const QJsonObject o = readJson(json);
    QCOMPARE(o.value(u"ok").toBool(true), false);
    QVERIFY(!o.value(u"restoreError").toString().isEmpty() || o.value(u"failedTables").toInt() > 0);
    QVERIFY(!QFile::exists(dir + u"/drill-sandbox/sandbox.json"_s));
}

void tst_Drill::keepRemovesOnlyTheDrillsOwnBackups()
{
    const QString dir = m_tmp.filePath(u"keep"_s);
    QVERIFY(QDir().mkpath(dir));
    // Files the drill did not write, some with names like its own, one with a forged marker of the wrong size.
    const QStringList foreign = {u"tst_drill_20240101T000000000Z.dump"_s, u"school-export.dump"_s, u"notes.txt"_s,
                                 u"tst_drill_20240102T000000000Z.dump"_s};
    for (const QString &name : foreign) {
        QFile f(QDir(dir).filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a drill backup");
    }
    QFile forged(QDir(dir).filePath(u"tst_drill_20240102T000000000Z.dump.drill.json"_s));
    QVERIFY(forged.open(QIODevice::WriteOnly));
    forged.write(R"({"writtenBy":"tracktally-recovery drill","file":"tst_drill_20240102T000000000Z.dump","bytes":1,"database":"tst_drill"})");
    forged.close();

    QStringList kept;
    for (int i = 0; i < 3; ++i) {
        const Run r = runApp({u"drill"_s, u"--database"_s, m_url, u"--dir"_s, dir, u"--keep"_s, u"2"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        kept = RestoreDrill::drillBackups(dir, u"tst_drill"_s);
        QCOMPARE(kept.size(), std::min(i + 1, 2));
        if (i == 2)
            QVERIFY2(r.out.contains(u"Removed an older drill backup"_s), qPrintable(r.out));
    }
    for (const QString &name : foreign)
        QVERIFY2(QFile::exists(QDir(dir).filePath(name)), qPrintable(name));
    QVERIFY(forged.exists());
    // Exactly the two newest drill backups and their markers remain beside the foreign files.
    QCOMPARE(QDir(dir).entryList({u"*.dump"_s}, QDir::Files).size(), 3 + 2);
    QCOMPARE(QDir(dir).entryList({u"*.drill.json"_s}, QDir::Files).size(), 1 + 2);
}

void tst_Drill::schedule_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("absent");
    QTest::newRow("service-name") << u"service=tracktally_prod"_s << 0
                                  << QStringList{u"OnCalendar=*-*-* 02:30:00"_s, u"ExecStart="_s,
                                                 u"drill --database \"service=tracktally_prod\""_s, u"--keep 7"_s,
                                                 u"WantedBy=timers.target"_s, u"30 2 * * * "_s,
                                                 u"systemctl --user enable --now tracktally-drill.timer"_s}
                                  << u"password="_s;
    QTest::newRow("percent-in-url-escaped") << u"postgresql://owner@db.example.org/track%5Ftally"_s << 0
                                            << QStringList{u"track%%5Ftally\""_s, u"track\\%5Ftally'"_s}
                                            << u"track%5Ftally\""_s;
    QTest::newRow("password-refused") << u"postgresql://owner:s3cret@db.example.org/tracktally_prod"_s << 1
                                      << QStringList{u"~/.pgpass"_s} << u"s3cret"_s;
}

void tst_Drill::schedule()
{
    QFETCH(QString, database);
    QFETCH(int, exitCode);
    QFETCH(QStringList, expected);
    QFETCH(QString, absent);
    const Run r = runApp({u"drill"_s, u"--schedule"_s, u"--database"_s, database, u"--dir"_s,
                          m_tmp.filePath(u"scheduled"_s), u"--keep"_s, u"7"_s});
    QCOMPARE(r.exitCode, exitCode);
    const QString all = r.out + r.err;
    for (const QString &e : expected)
        QVERIFY2(all.contains(e), qPrintable(e + u"\n"_s + all));
    QVERIFY2(!all.contains(absent), qPrintable(all));
    QVERIFY(!QDir(m_tmp.filePath(u"scheduled"_s)).exists()); // printing the schedule runs nothing
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_Drill)
#include "tst_drill.moc"
