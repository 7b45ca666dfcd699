// "Protect a database" on the wizard's first page, driven offscreen by objectName against the real sandbox
// PostgreSQL (fixture database_sandbox) holding a generated school: a restore drill that passes, one cancelled,
// a migration rehearsal that refuses a migration losing rows (and the database keeps every row), one that passes,
// and a roster snapshot; each shows a pass/fail verdict, the same text the command line prints, and a saved report.
#include "dbtestsupport.h"

#include "database/database.h"
#include "mainwindow.h"
#include "pages/projectpage.h"
#include "pages/protectpanel.h"
#include "recoverywizard.h"
#include "roster/rostersnapshot.h"
#include "session/protectsession.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::ui;
using namespace Qt::StringLiterals;

namespace {
const QString kDatabase = u"tst_protectwizard"_s;

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

class tst_ProtectWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void protectModeAsksForWhatIsMissing();
    void drillPasses();
    void drillCancelled();
    void harmfulMigrationIsRefused();
    void safeMigrationPasses();
    void rosterSnapshot();
    void databaseFromEnvFile();
    void backToRecovery();
    void cleanupTestCase();

private:
    template<typename T> T *find(const QString &name) const
    {
        T *w = m_window->findChild<T *>(name);
        if (!w)
            qWarning("no widget named %s", qPrintable(name));
        return w;
    }
    ProtectSession *protect() const { return m_window->findChild<ProtectSession *>(); }
    void click(const QString &name) { QTest::mouseClick(find<QAbstractButton>(name), Qt::LeftButton); }
    void waitDone()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!protect()->isBusy(), 180000);
    }
    QString verdict() const { return find<QLabel>(u"protectVerdictLabel"_s)->text(); }
    QString details() const { return find<QPlainTextEdit>(u"protectDetailsText"_s)->toPlainText(); }

    QTemporaryDir m_dir;
    Sandbox m_sandbox;
    QString m_url;
    qint64 m_students = 0;
    std::unique_ptr<MainWindow> m_window;
};

void tst_ProtectWizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"TrackTallyTests"_s);
    QCoreApplication::setApplicationName(u"tst_protectwizard"_s);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    m_sandbox = test::fixtureSandbox();
    m_url = test::createScratchDatabase(m_sandbox, kDatabase);
    test::SchoolSpec spec;
    spec.seed = 77;
    spec.students = 40;
    spec.incidents = 150;
    {
        Database db(ConnectionSpec::parse(m_url));
        ApplyOptions o;
        o.confirmDatabase = kDatabase;
        o.backupDir = m_dir.filePath(u"apply-backup"_s);
        RecoveryWriter(db, test::makeSchool(spec)).apply(o);
    }
    m_students = test::queryValue(m_url, u"SELECT count(*) FROM \"Student\""_s).toLongLong();
    QCOMPARE(m_students, 40);
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_ProtectWizard::protectModeAsksForWhatIsMissing()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::ProjectStep));
    QVERIFY(find<QWidget>(u"recoverPane"_s)->isVisible());
    QVERIFY(!find<QWidget>(u"protectPanel"_s)->isVisible());
    click(u"protectModeButton"_s);
    QVERIFY(find<QWidget>(u"protectPanel"_s)->isVisible());
    QVERIFY(!find<QWidget>(u"recoverPane"_s)->isVisible());
    QCOMPARE(m_window->wizard()->currentPage()->title(), u"Protect a database"_s);
    QVERIFY(!m_window->wizard()->button(QWizard::NextButton)->isEnabled());
    click(u"runDrillButton"_s);
    QVERIFY(!protect()->isBusy());
    QVERIFY2(verdict().contains(u"connection"_s), qPrintable(verdict()));
    QTest::keyClicks(find<QLineEdit>(u"protectConnectionEdit"_s), m_url);
    click(u"runDrillButton"_s);
    QVERIFY2(verdict().contains(u"folder"_s), qPrintable(verdict()));
    QTest::keyClicks(find<QLineEdit>(u"protectFolderEdit"_s), m_dir.filePath(u"protect"_s));
    click(u"runPreflightButton"_s);
    QVERIFY2(verdict().contains(u"migration script"_s), qPrintable(verdict()));
    click(u"runSnapshotButton"_s);
    QVERIFY2(verdict().contains(u"domain"_s), qPrintable(verdict()));
    QVERIFY(!protect()->isBusy());
}

void tst_ProtectWizard::drillPasses()
{
    click(u"runDrillButton"_s);
    QVERIFY(protect()->isBusy());
    QVERIFY(find<QAbstractButton>(u"protectCancelButton"_s)->isEnabled());
    QVERIFY(!find<QAbstractButton>(u"runDrillButton"_s)->isEnabled());
    waitDone();
    const auto &o = protect()->outcome();
    QVERIFY(o.has_value());
    QVERIFY2(o->passed, qPrintable(o->text));
    QVERIFY2(verdict().contains(u"PASSED"_s), qPrintable(verdict()));
    // The details are what `drill` prints; the report is saved as JSON and as that text.
    QCOMPARE(details(), o->text);
    QVERIFY(details().contains(u"Student"_s));
    QVERIFY(QFile::exists(o->reportJson));
    QVERIFY(QFile::exists(o->reportText));
    QCOMPARE(QFileInfo(o->reportJson).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    const QJsonObject json = readJson(o->reportJson);
    QCOMPARE(json.value(u"job"_s).toString(), u"drill"_s);
    QCOMPARE(json.value(u"passed"_s).toBool(), true);
    QVERIFY(json.value(u"tables"_s).toArray().size() >= 7);
    QFile text(o->reportText);
    QVERIFY(text.open(QIODevice::ReadOnly));
    const QString saved = QString::fromUtf8(text.readAll());
    QVERIFY(saved.contains(o->verdict) && saved.contains(o->text));
    QVERIFY(find<QLabel>(u"protectReportLabel"_s)->text().contains(QFileInfo(o->reportJson).fileName()));
    QVERIFY(find<QAbstractButton>(u"runDrillButton"_s)->isEnabled());
}

void tst_ProtectWizard::drillCancelled()
{
    const int reports = QDir(m_dir.filePath(u"protect"_s)).entryList({u"drill-report-*.json"_s}).size();
    click(u"runDrillButton"_s);
    QVERIFY(protect()->isBusy());
    click(u"protectCancelButton"_s);
    waitDone();
    QVERIFY(protect()->outcome()->cancelled);
    QVERIFY2(verdict().contains(u"cancelled"_s), qPrintable(verdict()));
    QCOMPARE(QDir(m_dir.filePath(u"protect"_s)).entryList({u"drill-report-*.json"_s}).size(), reports);
    QCOMPARE(test::queryValue(m_url, u"SELECT count(*) FROM \"Student\""_s).toLongLong(), m_students);
}

void tst_ProtectWizard::harmfulMigrationIsRefused()
{
    const QString sql = m_dir.filePath(u"drop-students.sql"_s);
    QFile f(sql);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("DELETE FROM \"Student\" WHERE \"studentId\" LIKE '3%';\n");
    f.close();
    find<QLineEdit>(u"protectMigrationEdit"_s)->setText(sql);
    click(u"runPreflightButton"_s);
    waitDone();
    const auto &o = protect()->outcome();
    QVERIFY(!o->passed);
    QVERIFY2(verdict().contains(u"FAILED"_s) && verdict().contains(u"Student"_s), qPrintable(verdict()));
    QCOMPARE(readJson(o->reportJson).value(u"passed"_s).toBool(true), false);
    // Rehearsed on a copy: the database itself still has every student.
    QCOMPARE(test::queryValue(m_url, u"SELECT count(*) FROM \"Student\""_s).toLongLong(), m_students);
}

void tst_ProtectWizard::safeMigrationPasses()
{
    const QString sql = m_dir.filePath(u"add-column.sql"_s);
    QFile f(sql);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("ALTER TABLE \"Student\" ADD COLUMN \"nickname\" text;\n");
    f.close();
    find<QLineEdit>(u"protectMigrationEdit"_s)->setText(sql);
    click(u"runPreflightButton"_s);
    waitDone();
    QVERIFY2(protect()->outcome()->passed, qPrintable(details()));
    QVERIFY2(verdict().contains(u"PASSED"_s), qPrintable(verdict()));
    QCOMPARE(test::queryValue(m_url, u"SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'"_s),
             u"0"_s);
}

void tst_ProtectWizard::rosterSnapshot()
{
    QTest::keyClicks(find<QLineEdit>(u"protectDomainEdit"_s), test::SchoolSpec().domain);
    click(u"runSnapshotButton"_s);
    waitDone();
    const auto &o = protect()->outcome();
    QVERIFY2(o->passed, qPrintable(o->text));
    QVERIFY(RosterSnapshot::looksLikeSnapshot(o->snapshotDir));
    QCOMPARE(qint64(RosterSnapshot::read(o->snapshotDir).students.size()), m_students);
    QVERIFY2(verdict().contains(u"SAVED"_s), qPrintable(verdict()));
    QVERIFY(details().startsWith(u"Roster snapshot of"_s));
    QCOMPARE(readJson(o->reportJson).value(u"students"_s).toInteger(), m_students);
}

void tst_ProtectWizard::databaseFromEnvFile()
{
    // TrackTally's .env names the database (with a password in the URL) and the domain; the field shows the
    // address without the password, the session connects with the real one.
    const QString url = QString(m_url).replace(u"postgresql://tracktally@"_s, u"postgresql://tracktally:s3cret-pw@"_s);
    QVERIFY(url != m_url);
    const QString env = m_dir.filePath(u"tracktally.env"_s);
    QFile f(env);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("# TrackTally\nDIRECT_DATABASE_URL=\"" + url.toUtf8() + "\"\nALLOWED_GOOGLE_DOMAIN=" +
            test::SchoolSpec().domain.toUtf8() + "\n");
    f.close();
    find<QLineEdit>(u"protectDomainEdit"_s)->clear();
    find<QLineEdit>(u"protectConnectionEdit"_s)->clear();
    find<ProtectPanel>(u"protectPanel"_s)->readEnv(env);
    const QString shown = find<QLineEdit>(u"protectConnectionEdit"_s)->text();
    QVERIFY2(!shown.contains(u"s3cret-pw"_s) && shown.contains(u"tracktally"_s), qPrintable(shown));
    QCOMPARE(find<QLineEdit>(u"protectDomainEdit"_s)->text(), test::SchoolSpec().domain);
    QVERIFY2(find<QLabel>(u"protectEnvLabel"_s)->text().contains(u"DIRECT_DATABASE_URL"_s),
             qPrintable(find<QLabel>(u"protectEnvLabel"_s)->text()));
    click(u"runSnapshotButton"_s);
    waitDone();
    QVERIFY2(protect()->outcome()->passed, qPrintable(protect()->outcome()->text));
    QVERIFY(!details().contains(u"s3cret-pw"_s));
    QCOMPARE(readJson(protect()->outcome()->reportJson).value(u"students"_s).toInteger(), m_students);

    // A .env without a database says so and changes nothing.
    const QString noDb = m_dir.filePath(u"nodb.env"_s);
    QFile g(noDb);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("ALLOWED_GOOGLE_DOMAIN=example.org\n");
    g.close();
    find<ProtectPanel>(u"protectPanel"_s)->readEnv(noDb);
    QVERIFY(!find<QLabel>(u"protectEnvLabel"_s)->text().isEmpty());
    QCOMPARE(find<QLineEdit>(u"protectConnectionEdit"_s)->text(), shown);
}

void tst_ProtectWizard::backToRecovery()
{
    click(u"recoverModeButton"_s);
    QVERIFY(find<QWidget>(u"recoverPane"_s)->isVisible());
    QCOMPARE(m_window->wizard()->currentPage()->title(), u"Recovery project"_s);
}

void tst_ProtectWizard::cleanupTestCase()
{
    m_window.reset();
    test::dropDatabase(m_sandbox, kDatabase);
    QSettings().clear();
}

QTEST_MAIN(tst_ProtectWizard)
#include "tst_protectwizard.moc"
