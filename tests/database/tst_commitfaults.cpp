// Faults at the very end of an apply, against the fixture sandbox:
// - the connection lost exactly during COMMIT: a small proxy (a Unix socket in front of the sandbox's) forwards
//   every byte and cuts both sides right after the write transaction's COMMIT message (or instead of it, or cuts
//   and then lets no one in). The writer settles the outcome with txid_status() from a new connection: committed
//   (success, outcomeWasUnknown), rolled back (tt::RolledBackError, CLI exit 1) or unknown (tt::OutcomeUnknownError,
//   CLI exit 4). A second apply after that neither duplicates nor loses a row.
// - two applies racing for the advisory lock (two tt-dbtool processes): exactly one writes, the other refuses
//   (exit 3) with a message that says another recovery is writing; the database holds one copy of each row.
#include "dbtestsupport.h"

#include "common/errors.h"
#include "database/database.h"
#include "database/sandbox.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

int unixSocket(const QByteArray &path, bool listen)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (size_t(path.size()) >= sizeof addr.sun_path) {
        ::close(fd);
        return -1;
    }
    std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
    const auto *a = reinterpret_cast<const sockaddr *>(&addr);
    const int rc = listen ? (::bind(fd, a, sizeof addr) == 0 ? ::listen(fd, 16) : -1) : ::connect(fd, a, sizeof addr);
    if (rc != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool writeAll(int fd, const char *data, ssize_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, data, size_t(n));
        if (w <= 0)
            return false;
        data += w;
        n -= w;
    }
    return true;
}

// A PostgreSQL proxy on a Unix socket (dir/.s.PGSQL.port) in front of the sandbox's. Bytes are forwarded as they
// come. A client connection is "armed" once it has sent the write transaction's last statement (the AuditLog
// insert: "RETURNING txid_current()"); its next simple-query message 'Q' "COMMIT" (libpqxx 6.4 commits with
// PQexec("COMMIT")) is the strike point.
class CommitProxy
{
public:
    enum class Strike {
        AfterCommit,          // forward the COMMIT, then cut both sides: the server commits, the client never hears
        InsteadOfCommit,      // cut both sides without forwarding it: the server rolls back
        AfterCommitThenRefuse // as AfterCommit, and no new connection gets through (the outcome cannot be asked)
    };

    CommitProxy(const QString &upstreamSocket, const QString &dir, int port, Strike strike)
        : m_upstream(upstreamSocket.toLocal8Bit()), m_strike(strike)
    {
        m_listen = unixSocket(QStringLiteral("%1/.s.PGSQL.%2").arg(dir).arg(port).toLocal8Bit(), true);
        if (m_listen >= 0)
            m_thread = std::thread([this] { run(); });
    }
    ~CommitProxy()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (const Pair &p : m_pairs)
            closePair(p);
        if (m_listen >= 0)
            ::close(m_listen);
    }
    bool listening() const { return m_listen >= 0; }
    bool struck() const { return m_struck; }
    void passThrough() { m_passThrough = true; } // no more strikes, let everyone in

private:
    struct Pair
    {
        int client = -1, server = -1;
        bool armed = false;
    };

    static void closePair(const Pair &p)
    {
        ::shutdown(p.client, SHUT_RDWR);
        ::shutdown(p.server, SHUT_RDWR);
        ::close(p.client);
        ::close(p.server);
    }

    void accept()
    {
        const int c = ::accept(m_listen, nullptr, nullptr);
        if (c < 0)
            return;
        if (m_struck && m_strike == Strike::AfterCommitThenRefuse && !m_passThrough) {
            ::close(c);
            return;
        }
        const int s = unixSocket(m_upstream, false);
        if (s < 0) {
            ::close(c);
            return;
        }
        m_pairs.push_back({c, s, false});
    }

    // Forwards what one side sent; returns false when the pair is to be closed.
    bool forward(Pair &p, bool fromClient)
    {
        char buf[65536];
        const ssize_t n = ::read(fromClient ? p.client : p.server, buf, sizeof buf);
        if (n <= 0)
            return false;
        if (fromClient && !m_passThrough) {
            const QByteArray chunk = QByteArray::fromRawData(buf, n);
            if (chunk.contains("RETURNING txid_current()"))
                p.armed = true;
            else if (p.armed && n > 5 && buf[0] == 'Q' && chunk.mid(5).startsWith("COMMIT")) {
                if (m_strike != Strike::InsteadOfCommit)
                    writeAll(p.server, buf, n);
                m_struck = true;
                return false;
            }
        }
        return writeAll(fromClient ? p.server : p.client, buf, n);
    }

    void run()
    {
        while (!m_stop) {
            std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
            for (const Pair &p : m_pairs) {
                fds.push_back({p.client, POLLIN, 0});
                fds.push_back({p.server, POLLIN, 0});
            }
            if (::poll(fds.data(), nfds_t(fds.size()), 100) <= 0)
                continue;
            std::vector<Pair> kept;
            for (size_t i = 0; i < m_pairs.size(); ++i) {
                Pair &p = m_pairs[i];
                bool open = true;
                if (fds[1 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR))
                    open = forward(p, true);
                if (open && (fds[2 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR)))
                    open = forward(p, false);
                if (open)
                    kept.push_back(p);
                else
                    closePair(p);
            }
            m_pairs = std::move(kept);
            if (fds[0].revents & POLLIN)
                accept();
        }
    }

    QByteArray m_upstream;
    Strike m_strike;
    int m_listen = -1;
    std::vector<Pair> m_pairs; // the proxy thread's own
    std::thread m_thread;
    std::atomic<bool> m_stop{false}, m_struck{false}, m_passThrough{false};
};

QString counts(const QString &url)
{
    return queryRows(url, uR"(SELECT (SELECT count(*) FROM "Organization"), (SELECT count(*) FROM "Teacher"),
                                     (SELECT count(*) FROM "Classroom"), (SELECT count(*) FROM "TeacherClass"),
                                     (SELECT count(*) FROM "Student"), (SELECT count(*) FROM "Incident"),
                                     (SELECT count(DISTINCT "uuid") FROM "Incident"), (SELECT count(*) FROM "AuditLog"))"_s)
        .join(u'|').replace(u'\t', u'|');
}

// The counts a complete recovery of `in` leaves in an empty database: one of everything, one AuditLog row.
QString expectedCounts(const RecoveryInput &in)
{
    qint64 pairs = 0;
    for (const ClassroomDraft &c : in.roster.classrooms)
        pairs += c.specialistEmails.size();
    return u"1|%1|%2|%3|%4|%5|%5|1"_s.arg(in.roster.teachers.size())
        .arg(in.roster.classrooms.size())
        .arg(pairs)
        .arg(in.roster.students.size())
        .arg(in.records.size());
}

} // namespace

class tst_CommitFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void lostCommit_data();
    void lostCommit();
    void racingApplies();

private:
    QString scratch(const QString &name);

    Sandbox m_sandbox;
    QTemporaryDir m_backups;
    QStringList m_databases;
};

void tst_CommitFaults::initTestCase()
{
    QVERIFY(m_backups.isValid());
    m_sandbox = fixtureSandbox();
}

void tst_CommitFaults::cleanupTestCase()
{
    for (const QString &db : std::as_const(m_databases))
        dropDatabase(m_sandbox, db);
}

QString tst_CommitFaults::scratch(const QString &name)
{
    QString db = u"tst_cf_"_s + name;
    db.replace(QRegularExpression(u"[^a-z0-9_]"_s), u"_"_s);
    m_databases << db;
    return createScratchDatabase(m_sandbox, db);
}

void tst_CommitFaults::lostCommit_data()
{
    QTest::addColumn<int>("strike");
    QTest::addColumn<QString>("outcome"); // committed, rolled-back, unknown
    QTest::newRow("commit-forwarded-then-cut") << int(CommitProxy::Strike::AfterCommit) << u"committed"_s;
    QTest::newRow("cut-instead-of-commit") << int(CommitProxy::Strike::InsteadOfCommit) << u"rolled-back"_s;
    QTest::newRow("commit-forwarded-then-unreachable") << int(CommitProxy::Strike::AfterCommitThenRefuse)
                                                       << u"unknown"_s;
}

void tst_CommitFaults::lostCommit()
{
    QFETCH(int, strike);
    QFETCH(QString, outcome);
    const QString direct = scratch(QString::fromLatin1(QTest::currentDataTag()));
    const QString dbName = m_databases.last();
    QCOMPARE(counts(direct), u"0|0|0|0|0|0|0|0"_s);

    QTemporaryDir proxyDir;
    QVERIFY(proxyDir.isValid());
    CommitProxy proxy(u"%1/.s.PGSQL.%2"_s.arg(m_sandbox.socketDir()).arg(m_sandbox.port()), proxyDir.path(),
                      m_sandbox.port(), CommitProxy::Strike(strike));
    QVERIFY(proxy.listening());
    const QString viaProxy = u"postgresql://tracktally@/%1?host=%2&port=%3"_s.arg(dbName, proxyDir.path())
                                 .arg(m_sandbox.port());

    SchoolSpec spec;
    spec.seed = 11;
    spec.incidents = 500;
    const RecoveryInput in = makeSchool(spec);
    ApplyOptions o;
    o.confirmDatabase = dbName;
    o.backupDir = m_backups.path();
    o.performedBy = u"tst_commitfaults"_s;
    {
        Database db(ConnectionSpec::parse(viaProxy));
        RecoveryWriter writer(db, in);
        if (outcome == u"committed"_s) {
            const ApplyResult r = writer.apply(o);
            QVERIFY(r.outcomeWasUnknown); // the answer to COMMIT never came
            QVERIFY(!r.transactionId.isEmpty());
            QVERIFY(r.describe().contains(u"broke during COMMIT"_s));
            QCOMPARE(r.insertedIncidents, qint64(in.records.size()));
            qInfo().noquote() << r.describe();
        } else if (outcome == u"rolled-back"_s) {
            try {
                writer.apply(o);
                QFAIL("apply succeeded although its COMMIT never reached the server");
            } catch (const RolledBackError &e) {
                qInfo().noquote() << "rolled back:" << e.message();
                QVERIFY2(e.message().contains(u"rolled back"_s) && e.message().contains(u"safe to run apply again"_s),
                         qPrintable(e.message()));
            }
        } else {
            try {
                writer.apply(o);
                QFAIL("apply succeeded although the outcome could not be asked");
            } catch (const OutcomeUnknownError &e) {
                qInfo().noquote() << "unknown:" << e.message();
                QVERIFY2(e.message().contains(u"UNKNOWN"_s) && e.message().contains(u"Do not run apply again"_s),
                         qPrintable(e.message()));
            }
        }
    }
    QVERIFY(proxy.struck());
    // What the server holds: everything (committed, also when the client could not ask) or nothing.
    QTRY_COMPARE_WITH_TIMEOUT(counts(direct), outcome == u"rolled-back"_s ? u"0|0|0|0|0|0|0|0"_s : expectedCounts(in),
                              20000);

    // Settled: a second apply (through the same proxy, now passing everything) writes exactly what is missing.
    proxy.passThrough();
    Database again(ConnectionSpec::parse(viaProxy));
    RecoveryWriter writer(again, in);
    if (outcome == u"unknown"_s)
        QVERIFY(writer.verify().ok()); // what the message tells the administrator to do first
    const ApplyResult second = writer.apply(o);
    QCOMPARE(second.nothingToWrite, outcome != u"rolled-back"_s);
    QVERIFY(!second.outcomeWasUnknown);
    QCOMPARE(counts(direct), expectedCounts(in));
    const VerifyResult v = writer.verify();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsDuplicated, 0);
}

void tst_CommitFaults::racingApplies()
{
    const QString tool = qEnvironmentVariable("TT_DBTOOL");
    QVERIFY2(!tool.isEmpty(), "TT_DBTOOL is not set");
    const QString url = scratch(u"race"_s);
    const int incidents = 2000;
    const QStringList args = {u"apply-generated"_s, u"--database"_s, url, u"--backup-dir"_s, m_backups.path(),
                              u"--seed"_s, u"12"_s, u"--incidents"_s, QString::number(incidents)};
    // Whoever takes the lock holds it a while (paused after its inserts, inside the transaction), so the other
    // arrives while it is held.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TT_TEST_PAUSE_AFTER"_s, u"insert"_s);
    env.insert(u"TT_TEST_PAUSE_SECONDS"_s, u"8"_s);
    QProcess a, b;
    for (QProcess *p : {&a, &b}) {
        p->setProcessEnvironment(env);
        p->start(tool, args);
    }
    QVERIFY(a.waitForStarted() && b.waitForStarted());
    QVERIFY(a.waitForFinished(90000));
    QVERIFY(b.waitForFinished(90000));
    const QString errA = QString::fromUtf8(a.readAllStandardError()), errB = QString::fromUtf8(b.readAllStandardError());
    QCOMPARE(a.exitStatus(), QProcess::NormalExit);
    QCOMPARE(b.exitStatus(), QProcess::NormalExit);
    QList<int> codes{a.exitCode(), b.exitCode()};
    std::sort(codes.begin(), codes.end());
    QVERIFY2(codes == (QList<int>{0, 3}), qPrintable(u"exit codes %1 and %2\n%3\n%4"_s.arg(a.exitCode())
                                                        .arg(b.exitCode())
                                                        .arg(errA, errB)));
    const QString refusal = a.exitCode() == 3 ? errA : errB;
    qInfo().noquote() << "the second apply:" << refusal.trimmed();
    QVERIFY2(refusal.contains(u"Another recovery is writing to this database"_s) && refusal.contains(u"nothing was written"_s),
             qPrintable(refusal));
    const QString written = QString::fromUtf8(a.exitCode() == 0 ? a.readAllStandardOutput() : b.readAllStandardOutput());
    QVERIFY2(written.contains(u"incidents"_s) && !written.contains(u"Nothing new"_s), qPrintable(written));

    SchoolSpec spec;
    spec.seed = 12;
    spec.incidents = incidents;
    QCOMPARE(counts(url), expectedCounts(makeSchool(spec)));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_CommitFaults)
#include "tst_commitfaults.moc"
