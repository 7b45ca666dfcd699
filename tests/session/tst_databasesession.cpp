// DatabaseSession without widgets: the connection a project keeps never holds a secret (password,
// sslpassword), whatever form the user typed it in; the saved form still names the same database.
#include "database/connectionspec.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace Qt::StringLiterals;

class tst_DatabaseSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void projectNeverHoldsSecrets_data();
    void projectNeverHoldsSecrets();

private:
    QTemporaryDir m_dir;
};

void tst_DatabaseSession::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void tst_DatabaseSession::projectNeverHoldsSecrets_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("host"); // what the saved connection still names; empty = nothing saved
    QTest::newRow("url-with-password") << u"postgresql://owner:Hunter-2024@ep-x.neon.tech/tracktally_prod?sslmode=require"_s
                                       << QStringList{u"Hunter-2024"_s} << u"ep-x.neon.tech"_s;
    QTest::newRow("question-mark-password") << u"postgresql://u:pa?ss99xy@db.example/tt"_s
                                            << QStringList{u"pa?ss99xy"_s, u"ss99xy"_s} << u"db.example"_s;
    QTest::newRow("prisma-pooled") << u"postgresql://app:Pooled-Pw9@ep-x-pooler.neon.tech/tt?sslmode=require&pgbouncer=true"_s
                                   << QStringList{u"Pooled-Pw9"_s} << u"ep-x-pooler.neon.tech"_s;
    QTest::newRow("conninfo-both-secrets") << u"host=db.example dbname=tt password='Pw s3cret' sslpassword=Key-s3cret"_s
                                           << QStringList{u"Pw s3cret"_s, u"Key-s3cret"_s} << u"db.example"_s;
    QTest::newRow("unreadable-slash") << u"postgresql://admin:s3cr/et99@db.example/tt"_s
                                      << QStringList{u"s3cr/et99"_s, u"s3cr"_s, u"et99"_s} << QString();
    QTest::newRow("no-secret") << u"postgresql://owner@db.example/tt"_s << QStringList{} << u"db.example"_s;
}

void tst_DatabaseSession::projectNeverHoldsSecrets()
{
    QFETCH(QString, typed);
    QFETCH(QStringList, secrets);
    QFETCH(QString, host);
    static int n = 0;
    const QString path = m_dir.filePath(u"db%1.ttproj"_s.arg(++n));
    {
        RecoverySession session;
        RosterSession roster(&session);
        DatabaseSession db(&session, &roster);
        session.newProject(path, SchoolInfo{u"Test Primary"_s, u"test.example"_s, u"Australia/Melbourne"_s});
        db.setConnection(typed);
        QCOMPARE(db.connection(), typed.trimmed()); // kept as typed in memory, for this session only
        QVERIFY(session.saveNow());
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(!bytes.isEmpty());
    for (const QString &secret : secrets)
        QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));

    RecoverySession session;
    RosterSession roster(&session);
    DatabaseSession db(&session, &roster);
    session.openProject(path);
    if (host.isEmpty()) {
        QVERIFY(db.connection().isEmpty());
    } else {
        const ConnectionSpec saved = ConnectionSpec::parse(db.connection());
        QCOMPARE(saved.host(), host);
        QVERIFY(!saved.hasSecrets());
    }
}

QTEST_GUILESS_MAIN(tst_DatabaseSession)
#include "tst_databasesession.moc"
