// Drives the database steps of the real wizard against a private PostgreSQL (tt::Sandbox): connect and check,
// plan, commit (typed confirmation, backup), verify; then commit again and see that nothing new is inserted.
#include "database/sandbox.h"
#include "fixturegenerator.h"
#include "mainwindow.h"
#include "recoverywizard.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcesconfig.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::ui;

class tst_WizardDatabase : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void connectAndCheck();
    void plan();
    void commitNeedsTheTypedName();
    void verify();
    void commitAgainInsertsNothing();
    void cleanupTestCase();

private:
    template<typename T> T *find(const QString &name) const { return m_window->findChild<T *>(name); }
    void clickNext() { QTest::mouseClick(find<QAbstractButton>(QStringLiteral("nextButton")), Qt::LeftButton); }

    QTemporaryDir m_dir;
    std::optional<Sandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;
    qint64 m_accepted = 0;
};

void tst_WizardDatabase::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_wizarddatabase"));
    QVERIFY2(!Sandbox::findPostgresBinDir().isEmpty(),
             "PostgreSQL server binaries are not installed (script/deps installs them)");
    m_sandbox = Sandbox::start(m_dir.filePath(QStringLiteral("sandbox")));

    test::SchoolSpec spec;
    spec.seed = 5;
    spec.classes = 4;
    spec.studentsPerClass = 8;
    spec.logs = 500;
    const test::School school = test::generateSchool(spec);
    const QString inc = m_dir.filePath(QStringLiteral("Incidents.csv"));
    const QString com = m_dir.filePath(QStringLiteral("Commendations.csv"));
    test::writeCsvTab(school, RecordType::Incident, inc, test::QuirkOptions{});
    test::writeCsvTab(school, RecordType::Commendation, com, test::QuirkOptions{});

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->session()->newProject(m_dir.filePath(QStringLiteral("p.ttproj")), SchoolInfo{spec.name, spec.domain, spec.timeZone});
    QVERIFY(m_window->sources()->addFiles({inc, com}));
    m_window->session()->waitForIdle();
    m_accepted = m_window->session()->project().counts().accepted;
    QVERIFY(m_accepted > 0);
    // walk the steps before the database ones
    for (int step = RecoveryWizard::SourcesStep; step <= RecoveryWizard::LinksStep; ++step) {
        QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
        clickNext();
        QTRY_COMPARE(m_window->wizard()->currentId(), step);
        QTRY_VERIFY(!m_window->session()->isBusy());
    }
    QTRY_VERIFY(m_window->roster()->isBuilt() && !m_window->roster()->isStale());
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::DatabaseStep));
}

void tst_WizardDatabase::connectAndCheck()
{
    QVERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    auto *edit = find<QLineEdit>(QStringLiteral("connectionEdit"));
    edit->clear();
    QTest::keyClicks(edit, m_sandbox->url());
    QTest::mouseClick(find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->isConnected(), 30000);
    QVERIFY(find<QLabel>(QStringLiteral("databaseBanner"))->text().contains(QStringLiteral("tracktally_sandbox")));
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
}

void tst_WizardDatabase::plan()
{
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::PlanStep));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->plan().has_value(), 60000);
    const RecoveryPlan &p = *m_window->database()->plan();
    QCOMPARE(p.incidents.toInsert, m_accepted);
    QCOMPARE(p.teachers.toInsert, qint64(m_window->roster()->roster().teachers.size()));
    QCOMPARE(p.students.toInsert, qint64(m_window->roster()->roster().students.size()));
    QVERIFY(!p.hasConflicts());
}

void tst_WizardDatabase::commitNeedsTheTypedName()
{
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::CommitStep));
    auto *commit = find<QPushButton>(QStringLiteral("commitButton"));
    auto *confirm = find<QLineEdit>(QStringLiteral("confirmDatabaseEdit"));
    QTest::keyClicks(confirm, QStringLiteral("tracktally_prod"));
    QVERIFY(!commit->isEnabled());
    confirm->clear();
    QTest::keyClicks(confirm, QStringLiteral("tracktally_sandbox"));
    QVERIFY(commit->isEnabled());
    find<QLineEdit>(QStringLiteral("backupDirEdit"))->setText(m_dir.filePath(QStringLiteral("backups")));
    QTest::mouseClick(commit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->applied().has_value(), 120000);
    const ApplyResult &r = *m_window->database()->applied();
    QCOMPARE(r.insertedIncidents, m_accepted);
    QVERIFY(r.backup.verified);
    QVERIFY(QFile::exists(r.backup.file));
}

void tst_WizardDatabase::verify()
{
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::VerifyStep));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->database()->verified().has_value(), 60000);
    const VerifyResult &v = *m_window->database()->verified();
    QVERIFY2(v.ok(), qPrintable(v.differences.join(u'\n')));
    QCOMPARE(v.incidentsPresent, m_accepted);
}

void tst_WizardDatabase::commitAgainInsertsNothing()
{
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("backButton")), Qt::LeftButton);
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::CommitStep));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("commitButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy(), 120000);
    QVERIFY(m_window->database()->applied().has_value());
    QCOMPARE(m_window->database()->applied()->insertedIncidents, qint64(0));
}

void tst_WizardDatabase::cleanupTestCase()
{
    m_window.reset();
    if (m_sandbox)
        m_sandbox->stop();
    QSettings().clear();
}

QTEST_MAIN(tst_WizardDatabase)
#include "tst_wizarddatabase.moc"
