// The sandbox touches only what it created: `start --dir D` never deletes a D/pg it did not make, `stop` never
// deletes a folder sandbox.json lists unless the sandbox made it (its marker file holds the sandbox's token).
#include "common/errors.h"
#include "database/sandbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;

namespace {

bool writeText(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

QByteArray readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A folder the server user (postgres, when the tests run as root) can reach, so that the sandbox uses DIR/pg.
QString reachableDir(QTemporaryDir &tmp, const QString &name)
{
    QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                          | QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup
                                          | QFileDevice::ExeGroup);
    const QString dir = tmp.filePath(name);
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                   | QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup
                                   | QFileDevice::ExeGroup);
    return dir;
}

} // namespace

class tst_Sandbox : public QObject
{
    Q_OBJECT

private slots:
    void startLeavesAUsersPgFolder();
    void stopLeavesFoldersItDidNotMake_data();
    void stopLeavesFoldersItDidNotMake();
    void startAndStopTouchOnlyTheirOwn();
};

void tst_Sandbox::startLeavesAUsersPgFolder()
{
    QTemporaryDir tmp;
    const QString dir = reachableDir(tmp, QStringLiteral("rehearsal"));
    const QString mine = dir + QStringLiteral("/pg/my-notes.txt");
    QVERIFY(writeText(mine, "the user's own file"));
    try {
        Sandbox::start(dir);
        QFAIL("the sandbox started over a folder it did not make");
    } catch (const DatabaseError &e) {
        qInfo().noquote() << e.message();
        QVERIFY2(e.message().contains(dir + QStringLiteral("/pg")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("not made by a sandbox")), qPrintable(e.message()));
    }
    QCOMPARE(readText(mine), QByteArray("the user's own file"));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/sandbox.json")));
}

void tst_Sandbox::stopLeavesFoldersItDidNotMake_data()
{
    QTest::addColumn<QString>("marker"); // what the listed folders' marker files hold ("" = no marker file)
    QTest::newRow("no-marker-files") << QString();
    QTest::newRow("another-sandboxs-marker") << QStringLiteral("tracktally-recovery sandbox 0123456789abcdef\n");
}

// sandbox.json edited (or written by someone else) to list a user's folders: nothing is deleted.
void tst_Sandbox::stopLeavesFoldersItDidNotMake()
{
    QFETCH(QString, marker);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("sandbox"));
    const QString data = tmp.filePath(QStringLiteral("Documents/data"));
    const QString sockets = tmp.filePath(QStringLiteral("Pictures"));
    QVERIFY(writeText(data + QStringLiteral("/report.docx"), "a"));
    QVERIFY(writeText(sockets + QStringLiteral("/photo.jpg"), "b"));
    if (!marker.isEmpty()) {
        QVERIFY(writeText(tmp.filePath(QStringLiteral("Documents/.tracktally-sandbox")), marker.toLatin1()));
        QVERIFY(writeText(sockets + QStringLiteral("/.tracktally-sandbox"), marker.toLatin1()));
    }
    QJsonObject o{{QStringLiteral("dataDir"), data},
                  {QStringLiteral("socketDir"), sockets},
                  {QStringLiteral("logFile"), data + QStringLiteral("/server.log")},
                  {QStringLiteral("port"), 5432},
                  {QStringLiteral("marker"), QStringLiteral("fedcba9876543210")}};
    QVERIFY(writeText(dir + QStringLiteral("/sandbox.json"), QJsonDocument(o).toJson()));
    Sandbox s = Sandbox::open(dir);
    try {
        s.stop();
        QFAIL("stop() went ahead with folders the sandbox did not make");
    } catch (const DatabaseError &e) {
        qInfo().noquote() << e.message();
        QVERIFY2(e.message().contains(tmp.filePath(QStringLiteral("Documents"))), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("not deleted")), qPrintable(e.message()));
    }
    QCOMPARE(readText(data + QStringLiteral("/report.docx")), QByteArray("a"));
    QCOMPARE(readText(sockets + QStringLiteral("/photo.jpg")), QByteArray("b"));
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/sandbox.json"))); // still there: nothing was stopped
}

void tst_Sandbox::startAndStopTouchOnlyTheirOwn()
{
    if (Sandbox::findPostgresBinDir().isEmpty())
        QSKIP("PostgreSQL's server programs are not installed");
    QTemporaryDir tmp;
    const QString dir = reachableDir(tmp, QStringLiteral("rehearsal"));
    const QString mine = dir + QStringLiteral("/my-notes.txt");
    QVERIFY(writeText(mine, "kept"));
    // A sandbox that crashed left a marked D/pg behind: that one is the sandbox's to replace.
    QVERIFY(writeText(dir + QStringLiteral("/pg/.tracktally-sandbox"), "tracktally-recovery sandbox 00ff\n"));
    QVERIFY(writeText(dir + QStringLiteral("/pg/data/leftover"), "x"));
    Sandbox s = Sandbox::start(dir);
    const QString socketDir = s.socketDir();
    const QString dataParent = QFileInfo(s.dataDir()).absolutePath();
    QVERIFY(QFileInfo::exists(dataParent + QStringLiteral("/.tracktally-sandbox")));
    QVERIFY(QFileInfo::exists(socketDir + QStringLiteral("/.tracktally-sandbox")));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/pg/data/leftover")));
    Sandbox::open(dir).stop();
    QVERIFY(!QFileInfo::exists(dataParent));
    QVERIFY(!QFileInfo::exists(socketDir));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/sandbox.json")));
    QCOMPARE(readText(mine), QByteArray("kept"));
    QVERIFY(QFileInfo(dir).isDir());
}

QTEST_GUILESS_MAIN(tst_Sandbox)
#include "tst_sandbox.moc"
