// Which database a connection reaches, decided by connecting (not by comparing strings); what a role may
// not do (a restricted role in the test PostgreSQL); a pooled address refused for backup and apply; the
// connection's TLS state in the identity banner.
#include "database/backup.h"
#include "database/database.h"
#include "database/recoverywriter.h"
#include "dbtestsupport.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;
using namespace Qt::StringLiterals;

class tst_DatabaseIdentity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void compareFingerprints_data();
    void compareFingerprints();
    void sameDatabaseByConnecting_data();
    void sameDatabaseByConnecting();
    void restrictedRole_data();
    void restrictedRole();
    void poolerRefused_data();
    void poolerRefused();
    void tlsStateInBanner();

private:
    QString scratch(const QString &name);
    QString urlAs(const QString &url, const QString &user) const;

    Sandbox m_sandbox;
    QStringList m_databases;
    QStringList m_roles;
    QTemporaryDir m_backups;
};

void tst_DatabaseIdentity::initTestCase()
{
    m_sandbox = fixtureSandbox();
    QVERIFY(m_backups.isValid());
}

void tst_DatabaseIdentity::cleanupTestCase()
{
    for (const QString &db : std::as_const(m_databases))
        dropDatabase(m_sandbox, db);
    for (const QString &role : std::as_const(m_roles))
        execSql(m_sandbox.urlFor(u"postgres"_s), u"DROP ROLE IF EXISTS \"%1\""_s.arg(role));
}

QString tst_DatabaseIdentity::scratch(const QString &name)
{
    QString db = u"tst_id_"_s + name;
    db.replace(QRegularExpression(u"[^a-z0-9_]"_s), u"_"_s);
    m_databases << db;
    return createScratchDatabase(m_sandbox, db);
}

// The sandbox's URL (postgresql://tracktally@/db?host=…) for another user.
QString tst_DatabaseIdentity::urlAs(const QString &url, const QString &user) const
{
    QString out = url;
    return out.replace(u"://tracktally@"_s, u"://"_s + user + u'@');
}

void tst_DatabaseIdentity::compareFingerprints_data()
{
    QTest::addColumn<QStringList>("a"); // database, oid, system id, started at
    QTest::addColumn<QStringList>("b");
    QTest::addColumn<bool>("same");
    const QStringList base{u"tracktally_prod"_s, u"16384"_s, u"7301"_s, u"2025-11-24T01:00:00.000001Z"_s};
    QTest::newRow("identical") << base << base << true;
    QStringList otherDb = base;
    otherDb[0] = u"tracktally_stage"_s;
    otherDb[1] = u"16390"_s;
    QTest::newRow("stage-vs-prod-same-server") << base << otherDb << false;
    QStringList otherServer = base;
    otherServer[2] = u"7999"_s;
    QTest::newRow("same-name-other-server") << base << otherServer << false;
    QStringList noSysid = base;
    noSysid[2].clear();
    QTest::newRow("one-side-unprivileged-same") << base << noSysid << true;
    QStringList restarted = noSysid;
    restarted[3] = u"2025-11-25T09:00:00.000001Z"_s;
    QTest::newRow("unprivileged-other-start-time") << noSysid << restarted << false;
    QStringList otherOid = noSysid;
    otherOid[1] = u"16999"_s;
    QTest::newRow("unprivileged-other-oid") << noSysid << otherOid << false;
}

void tst_DatabaseIdentity::compareFingerprints()
{
    QFETCH(QStringList, a);
    QFETCH(QStringList, b);
    QFETCH(bool, same);
    auto fp = [](const QStringList &v) {
        DatabaseFingerprint f;
        f.database = v[0];
        f.databaseOid = v[1];
        f.systemIdentifier = v[2];
        f.startedAt = v[3];
        return f;
    };
    const DatabaseMatch m = compareDatabases(fp(a), fp(b));
    QCOMPARE(m.same, same);
    QVERIFY(!m.basis.isEmpty());
    QCOMPARE(m.explanation.contains(u"DIFFERENT"_s), !same);
}

// Addresses that differ as text (URL vs keyword/value, another application_name, another user) but reach
// one database are the same; another database on the same server is not.
void tst_DatabaseIdentity::sameDatabaseByConnecting_data()
{
    QTest::addColumn<QString>("other"); // how to reach the second database
    QTest::addColumn<bool>("same");
    QTest::newRow("conninfo-form") << u"conninfo"_s << true;
    QTest::newRow("unprivileged-role") << u"role"_s << true;
    QTest::newRow("another-database") << u"other-db"_s << false;
}

void tst_DatabaseIdentity::sameDatabaseByConnecting()
{
    QFETCH(QString, other);
    QFETCH(bool, same);
    const QString url = scratch(u"same"_s);
    const ConnectionSpec a = ConnectionSpec::parse(url);
    ConnectionSpec b;
    if (other == u"conninfo") {
        b = ConnectionSpec::parse(u"host=%1 port=%2 dbname=tst_id_same user=tracktally application_name=other"_s
                                      .arg(m_sandbox.socketDir())
                                      .arg(m_sandbox.port()));
    } else if (other == u"role") {
        const QString role = u"tt_id_reader"_s;
        execSql(m_sandbox.urlFor(u"postgres"_s), u"DROP ROLE IF EXISTS %1; CREATE ROLE %1 LOGIN"_s.arg(role));
        m_roles << role;
        // As on hosted servers that keep pg_control_system() for privileged roles: the fallback decides.
        execSql(url, u"REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC"_s);
        b = ConnectionSpec::parse(urlAs(url, role));
        QVERIFY(Database(b).fingerprint().systemIdentifier.isEmpty());
        QVERIFY(!Database(a).fingerprint().systemIdentifier.isEmpty());
    } else {
        b = ConnectionSpec::parse(scratch(u"other"_s));
    }
    QVERIFY(a.conninfo() != b.conninfo());
    const DatabaseMatch m = sameDatabase(a, b);
    QVERIFY2(m.same == same, qPrintable(m.explanation));
}

// A role that may read only some tables: the report names each missing privilege; apply refuses before
// any backup or write.
void tst_DatabaseIdentity::restrictedRole_data()
{
    QTest::addColumn<QString>("grants");
    QTest::addColumn<QStringList>("missingBackup");
    QTest::addColumn<QStringList>("missingApply");
    QTest::newRow("nothing-granted-on-teacher")
        << u"GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE; GRANT INSERT ON ALL TABLES IN SCHEMA public TO ROLE; "
           "REVOKE ALL ON \"Teacher\" FROM ROLE"_s
        << QStringList{u"SELECT on table public.\"Teacher\""_s}
        << QStringList{u"INSERT on table \"Teacher\""_s, u"SELECT on table \"Teacher\""_s};
    QTest::newRow("read-only") << u"GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE"_s << QStringList()
                               << QStringList{u"INSERT on table \"AuditLog\""_s, u"INSERT on table \"Classroom\""_s,
                                              u"INSERT on table \"Incident\""_s, u"INSERT on table \"Organization\""_s,
                                              u"INSERT on table \"Student\""_s, u"INSERT on table \"Teacher\""_s,
                                              u"INSERT on table \"TeacherClass\""_s};
    QTest::newRow("no-temporary-tables")
        << u"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ROLE; REVOKE TEMPORARY ON DATABASE DB FROM PUBLIC"_s
        << QStringList() << QStringList{u"TEMPORARY (temporary tables) on database DB"_s};
    QTest::newRow("everything") << u"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ROLE"_s << QStringList()
                                << QStringList();
}

void tst_DatabaseIdentity::restrictedRole()
{
    QFETCH(QString, grants);
    QFETCH(QStringList, missingBackup);
    QFETCH(QStringList, missingApply);
    const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(u'-', u'_');
    const QString dbName = u"tst_id_priv_"_s + tag;
    const QString url = scratch(u"priv_"_s + tag);
    const QString role = u"tt_limited_"_s + tag;
    execSql(m_sandbox.urlFor(u"postgres"_s), u"DROP ROLE IF EXISTS %1; CREATE ROLE %1 LOGIN"_s.arg(role));
    m_roles << role;
    QString sql = grants;
    execSql(url, sql.replace(u"ROLE"_s, role).replace(u"DB"_s, dbName));
    for (QString &m : missingApply)
        m.replace(u"DB"_s, dbName);

    Database db(ConnectionSpec::parse(urlAs(url, role)));
    const PrivilegeReport report = db.checkPrivileges();
    QCOMPARE(report.user, role);
    QCOMPARE(report.missingForBackup, missingBackup);
    QCOMPARE(report.missingForApply, missingApply);
    QCOMPARE(report.ok(), missingBackup.isEmpty() && missingApply.isEmpty());
    for (const QString &m : missingBackup + missingApply)
        QVERIFY2(report.describe().contains(m), qPrintable(report.describe()));
    if (report.ok())
        return;

    const RecoveryInput in = makeSchool(SchoolSpec{});
    ApplyOptions o;
    o.confirmDatabase = dbName;
    o.backupDir = m_backups.filePath(tag);
    try {
        RecoveryWriter(db, in).apply(o);
        QFAIL("apply went ahead without the privileges");
    } catch (const RefusalError &e) {
        QVERIFY2(e.message().contains(missingApply.value(0, missingBackup.value(0))), qPrintable(e.message()));
    }
    QVERIFY(!QDir(o.backupDir).exists() || QDir(o.backupDir).isEmpty()); // refused before the backup
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Teacher\""_s), u"0"_s);
}

// The same sandbox, reached through an address that says it is a transaction pooler: backup and apply
// refuse (exit 3 in the CLI) before doing anything; the plan still works.
void tst_DatabaseIdentity::poolerRefused_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::newRow("prisma-pgbouncer-flag") << u"&pgbouncer=true"_s;
    QTest::newRow("prisma-flag-with-schema") << u"&schema=public&pgbouncer=true&connection_limit=1"_s;
}

void tst_DatabaseIdentity::poolerRefused()
{
    QFETCH(QString, suffix);
    const QString url = scratch(u"pooler"_s);
    Database db(ConnectionSpec::parse(url + suffix));
    QVERIFY(!db.identify(u"x.example"_s).poolerReason.isEmpty());
    const QString dir = m_backups.filePath(u"pooler"_s);
    QVERIFY_THROWS_EXCEPTION(RefusalError, Backup::run(db, dir));
    QVERIFY(!QDir(dir).exists());
    const RecoveryInput in = makeSchool(SchoolSpec{});
    QCOMPARE(RecoveryWriter(db, in).plan().teachers.toInsert, qint64(in.roster.teachers.size()));
    ApplyOptions o;
    o.confirmDatabase = u"tst_id_pooler"_s;
    o.backupDir = dir;
    try {
        RecoveryWriter(db, in).apply(o);
        QFAIL("apply went ahead through a pooler");
    } catch (const RefusalError &e) {
        QVERIFY2(e.message().contains(u"DIRECT_DATABASE_URL"_s), qPrintable(e.message()));
    }
    QVERIFY(!QDir(dir).exists());
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Teacher\""_s), u"0"_s);
}

// The sandbox listens on a Unix socket only: the banner says so, and says it is not encrypted.
void tst_DatabaseIdentity::tlsStateInBanner()
{
    Database db(ConnectionSpec::parse(m_sandbox.url()));
    const ServerIdentity id = db.identify(u"x.example"_s);
    QVERIFY(id.localSocket);
    QVERIFY(!id.tls);
    QVERIFY2(id.describe().contains(u"local socket"_s), qPrintable(id.describe()));
    QVERIFY(!db.spec().has(u"sslmode"_s)); // no TLS default for a socket
}

QTEST_GUILESS_MAIN(tst_DatabaseIdentity)
#include "tst_databaseidentity.moc"
