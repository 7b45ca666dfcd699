// Files holding children's data: 0600 from the start, in folders created 0700, atomic, existing folders kept.
#include "common/errors.h"
#include "common/privatefile.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

class tst_PrivateFile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { ::umask(022); } // the usual umask: what would make files 0644
    void newFileInNewFolders();
    void existingFolderKeepsItsMode();
    void overwritesA0644File();
    void nothingLeftWithoutCommit();
    void errorsNameTheFile();
    void emptyFileForAnotherProgram();
};

static uint modeOf(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0xFFFF;
    return st.st_mode & 0777;
}

void tst_PrivateFile::newFileInNewFolders()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString file = tmp.filePath(QStringLiteral("a/b/report.json"));
    tt::writePrivateFile(file, "{}");
    QCOMPARE(modeOf(file), 0600u);
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("a"))), 0700u);
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("a/b"))), 0700u);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("{}"));
}

void tst_PrivateFile::existingFolderKeepsItsMode()
{
    QTemporaryDir tmp;
    QVERIFY(QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                  | QFileDevice::ReadGroup | QFileDevice::ExeGroup));
    tt::writePrivateFile(tmp.filePath(QStringLiteral("x.csv")), "a,b\n");
    QCOMPARE(modeOf(tmp.path()), 0750u);
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("x.csv"))), 0600u);
}

void tst_PrivateFile::overwritesA0644File()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("old.html"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("old");
    f.close();
    QCOMPARE(modeOf(file), 0644u);
    tt::writePrivateFile(file, "new");
    QCOMPARE(modeOf(file), 0600u);
}

void tst_PrivateFile::nothingLeftWithoutCommit()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("partial.sql"));
    {
        tt::PrivateFile pf(file);
        pf.write("half of a dump");
        // While the data is written nobody else can read it: Linux gives QSaveFile an unnamed file (O_TMPFILE),
        // and where it cannot, the named temporary file is already owner-only.
        const QStringList temps = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden);
        QVERIFY2(temps.size() <= 1, qPrintable(temps.join(u", ")));
        if (!temps.isEmpty())
            QCOMPARE(modeOf(tmp.filePath(temps.first())), 0600u);
        QVERIFY(!QFileInfo::exists(file));
    } // destroyed without commit: cancelled
    QVERIFY(!QFileInfo::exists(file));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
}

void tst_PrivateFile::errorsNameTheFile()
{
    QTemporaryDir tmp;
    const QString blocker = tmp.filePath(QStringLiteral("blocker"));
    tt::writePrivateFile(blocker, "x");
    const QString file = blocker + QStringLiteral("/inside/report.json");
    try {
        tt::writePrivateFile(file, "{}");
        QFAIL("no error when a file is in the way of the folder");
    } catch (const tt::UserError &e) {
        QVERIFY2(e.message().contains(blocker), qPrintable(e.message()));
    }
}

// pg_dump writes into a file made beforehand: 0600 and empty from the start, never one that already exists.
void tst_PrivateFile::emptyFileForAnotherProgram()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("backups/nested/db.dump.partial"));
    tt::createPrivateEmptyFile(file);
    QCOMPARE(modeOf(file), 0600u);
    QCOMPARE(QFileInfo(file).size(), qint64(0));
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("backups"))), 0700u);
    QCOMPARE(modeOf(tmp.filePath(QStringLiteral("backups/nested"))), 0700u);
    try {
        tt::createPrivateEmptyFile(file); // something has the name already: refused, left alone
        QFAIL("an existing file was taken over");
    } catch (const tt::UserError &e) {
        QVERIFY2(e.message().contains(file), qPrintable(e.message()));
    }
    const QString link = tmp.filePath(QStringLiteral("link.dump"));
    QVERIFY(QFile::link(tmp.filePath(QStringLiteral("elsewhere.dump")), link));
    QVERIFY_THROWS_EXCEPTION(tt::UserError, tt::createPrivateEmptyFile(link)); // a dangling symlink is not followed
    QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("elsewhere.dump"))));
}

QTEST_GUILESS_MAIN(tst_PrivateFile)
#include "tst_privatefile.moc"
