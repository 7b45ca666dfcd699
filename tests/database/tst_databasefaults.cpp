// Faults during apply, against a private sandbox of this test (it stops the server): the apply runs in a
// separate tt-dbtool process that pauses at a point (TT_TEST_PAUSE_AFTER) so the test can strike there.
// After each fault: no partial data; a re-run completes.
#include "dbtestsupport.h"

#include "common/errors.h"
#include "database/database.h"
#include "database/sandbox.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

const int kIncidents = 3000;

QString counts(const QString &url)
{
    return queryRows(url, uR"(SELECT (SELECT count(*) FROM "Organization"), (SELECT count(*) FROM "Teacher"),
                                     (SELECT count(*) FROM "Classroom"), (SELECT count(*) FROM "TeacherClass"),
                                     (SELECT count(*) FROM "Student"), (SELECT count(*) FROM "Incident"),
                                     (SELECT count(*) FROM "AuditLog"))"_s)
        .join(u'|').replace(u'\t', u'|');
}

} // namespace

class tst_DatabaseFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void fault_data();
    void fault();

private:
    QTemporaryDir m_dir;
    Sandbox m_sandbox;
    bool m_started = false;
};

void tst_DatabaseFaults::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!qEnvironmentVariable("TT_DBTOOL").isEmpty(), "TT_DBTOOL is not set");
    m_sandbox = Sandbox::start(m_dir.filePath(u"sandbox"_s));
    m_started = true;
}

void tst_DatabaseFaults::cleanupTestCase()
{
    if (m_started)
        m_sandbox.stop();
}

void tst_DatabaseFaults::fault_data()
{
    QTest::addColumn<QString>("pauseAt");
    QTest::addColumn<QString>("strike");
    QTest::newRow("process-killed-mid-copy") << u"copy"_s << u"kill"_s;
    QTest::newRow("backend-terminated-mid-copy") << u"copy"_s << u"terminate"_s;
    QTest::newRow("backend-terminated-after-inserts") << u"insert"_s << u"terminate"_s;
    QTest::newRow("process-killed-before-commit") << u"commit"_s << u"kill"_s;
    QTest::newRow("server-stopped-mid-copy") << u"copy"_s << u"stop-server"_s;
    QTest::newRow("server-stopped-before-commit") << u"commit"_s << u"stop-server"_s;
}

void tst_DatabaseFaults::fault()
{
    QFETCH(QString, pauseAt);
    QFETCH(QString, strike);
    QString name = u"fault_"_s + QString::fromLatin1(QTest::currentDataTag());
    name.replace(u'-', u'_');
    const QString url = createScratchDatabase(m_sandbox, name);
    const QString empty = counts(url);
    QCOMPARE(empty, u"0|0|0|0|0|0|0"_s);

    const QStringList args = {u"apply-generated"_s, u"--database"_s, url, u"--backup-dir"_s,
                              m_dir.filePath(u"backups"_s), u"--seed"_s, u"5"_s, u"--incidents"_s,
                              QString::number(kIncidents)};
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TT_TEST_PAUSE_AFTER"_s, pauseAt);
    env.insert(u"TT_TEST_PAUSE_SECONDS"_s, u"4"_s);
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("TT_DBTOOL"), args);
    QVERIFY(p.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("TT_TEST_PAUSED " + pauseAt.toLatin1()), 30000);

    if (strike == u"kill"_s) {
        p.kill();
    } else if (strike == u"terminate"_s) {
        const QString n = queryValue(m_sandbox.urlFor(u"postgres"_s),
                                     uR"(SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                                         WHERE datname = '%1' AND application_name = 'tracktally-recovery')"_s.arg(name));
        QCOMPARE(n, u"1"_s);
    } else {
        m_sandbox.stopServer(true); // like a crash
        m_sandbox.startServer();
    }
    QVERIFY(p.waitForFinished(30000));
    QVERIFY(p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0);
    if (strike != u"kill"_s) {
        err += p.readAllStandardError();
        QVERIFY2(err.contains("nothing was written"), err.constData());
        QCOMPARE(p.exitCode(), 1);
    }
    // The killed client's backend may take a moment to notice and roll back.
    QTRY_COMPARE_WITH_TIMEOUT(queryValue(m_sandbox.urlFor(u"postgres"_s),
                                         u"SELECT count(*) FROM pg_stat_activity WHERE datname = '%1' "
                                         "AND application_name = 'tracktally-recovery'"_s.arg(name)),
                              u"0"_s, 20000);
    QCOMPARE(counts(url), empty);

    QProcess again;
    again.start(qEnvironmentVariable("TT_DBTOOL"), args);
    QVERIFY(again.waitForFinished(60000));
    QVERIFY2(again.exitCode() == 0, again.readAllStandardError().constData());
    const RecoveryInput in = makeSchool([] {
        SchoolSpec s;
        s.seed = 5;
        s.incidents = kIncidents;
        return s;
    }());
    QCOMPARE(counts(url), u"1|%1|%2|%3|%4|%5|1"_s.arg(in.roster.teachers.size())
                              .arg(in.roster.classrooms.size())
                              .arg(in.roster.classrooms.size() * 2)
                              .arg(in.roster.students.size())
                              .arg(kIncidents));
    dropDatabase(m_sandbox, name);
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_DatabaseFaults)
#include "tst_databasefaults.moc"
