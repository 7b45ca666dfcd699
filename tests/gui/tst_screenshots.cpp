// Walks the wizard over the demo school (resources/demo) and grabs every page at 1280x800, into
// $TT_SCREENSHOT_DIR (docs/screenshots when making the documentation) or a temporary directory.
#include "database/sandbox.h"
#include "mainwindow.h"
#include "models/rostermodels.h"
#include "pages/rosterpage.h"
#include "recoverywizard.h"
#include "session/databasesession.h"
#include "session/protectsession.h"
#include "session/readinesssession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QItemSelectionModel>
#include <QTimer>
#include <QDir>
#include <QLineEdit>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::ui;

class tst_Screenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pages();
    void cleanupTestCase();

private:
    void grab(const QString &name);
    // Presses button, grabs the modal dialog it opens (objectName dialogName) into name.png, then closes it.
    void grabDialog(const QString &name, const QString &dialogName, const QString &button);
    void grabDialog(const QString &name, const QString &dialogName, const std::function<void()> &open);
    void selectFirstRows(int n);
    QString m_out;
    QTemporaryDir m_tmp;
    QStringList m_written;
    std::unique_ptr<MainWindow> m_window;
};

void tst_Screenshots::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_screenshots"));
    QSettings().clear();
    m_out = qEnvironmentVariable("TT_SCREENSHOT_DIR");
    if (m_out.isEmpty())
        m_out = m_tmp.path();
    QVERIFY(QDir().mkpath(m_out));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_Screenshots::grab(const QString &name)
{
    QTest::qWait(50);
    const QPixmap shot = m_window->grab();
    QCOMPARE(shot.size(), QSize(1280, 800));
    const QString path = QDir(m_out).filePath(name + QStringLiteral(".png"));
    QVERIFY(shot.save(path));
    m_written << path;
}

void tst_Screenshots::grabDialog(const QString &name, const QString &dialogName, const QString &button)
{
    grabDialog(name, dialogName, [this, button] {
        QTest::mouseClick(m_window->wizard()->currentPage()->findChild<QAbstractButton *>(button), Qt::LeftButton);
    });
}

void tst_Screenshots::grabDialog(const QString &name, const QString &dialogName, const std::function<void()> &open)
{
    bool grabbed = false;
    auto *timer = new QTimer(this);
    timer->setInterval(20);
    connect(timer, &QTimer::timeout, this, [&, timer] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog || dialog->objectName() != dialogName)
            return;
        timer->stop();
        timer->deleteLater();
        const QString path = QDir(m_out).filePath(name + QStringLiteral(".png"));
        if (dialog->grab().save(path))
            m_written << path;
        grabbed = true;
        dialog->reject();
    });
    timer->start();
    open();
    QTRY_VERIFY(grabbed);
}

void tst_Screenshots::selectFirstRows(int n)
{
    auto *view = m_window->wizard()->currentPage()->findChild<QTableView *>(QStringLiteral("rosterView"));
    for (int r = 0; r < n; ++r)
        view->selectionModel()->select(view->model()->index(r, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    view->selectionModel()->setCurrentIndex(view->model()->index(0, 0), QItemSelectionModel::NoUpdate);
}

void tst_Screenshots::pages()
{
    const QString demo = qEnvironmentVariable("TT_SOURCE_DIR") + QStringLiteral("/resources/demo");
    QVERIFY2(QFile::exists(demo + QStringLiteral("/incidents.csv")),
             "resources/demo is missing: run tt-fixtures demo --out resources/demo");
    RecoveryWizard *wizard = m_window->wizard();
    auto *w = m_window.get();
    w->findChild<QLineEdit *>(QStringLiteral("schoolNameEdit"))->setText(QStringLiteral("Wattle Grove Primary"));
    w->findChild<QLineEdit *>(QStringLiteral("domainEdit"))->setText(QStringLiteral("wattlegrove.example.edu.au"));
    w->findChild<QComboBox *>(QStringLiteral("timeZoneCombo"))->setCurrentText(QStringLiteral("Australia/Melbourne"));
    const QString project = m_tmp.filePath(QStringLiteral("wattle-grove-primary-recovery.ttproj"));
    w->findChild<QLineEdit *>(QStringLiteral("projectFileEdit"))->setText(project);
    grab(QStringLiteral("01-project"));
    // The second path of the first page: Protect a database (before anything is run).
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("protectModeButton")), Qt::LeftButton);
    grab(QStringLiteral("01b-protect"));
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("recoverModeButton")), Qt::LeftButton);
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("createProjectButton")), Qt::LeftButton);
    QTRY_COMPARE(wizard->currentId(), int(RecoveryWizard::SourcesStep));

    QVERIFY(w->sources()->addFiles({demo + QStringLiteral("/incidents.csv"), demo + QStringLiteral("/commendations.csv")}));
    w->session()->waitForIdle();
    QTRY_VERIFY(w->findChild<QTableView *>(QStringLiteral("previewView"))->model()->rowCount() > 0);
    grab(QStringLiteral("02-sources"));

    wizard->next();
    QCOMPARE(wizard->currentId(), int(RecoveryWizard::ValidateStep));
    grab(QStringLiteral("03-validate"));
    auto *tabs = wizard->currentPage()->findChild<QTabWidget *>(QStringLiteral("validateTabs"));
    tabs->setCurrentIndex(1);
    auto *groups = wizard->currentPage()->findChild<QTableView *>(QStringLiteral("duplicateGroupView"));
    if (groups->model()->rowCount() > 0)
        groups->selectRow(0);
    grab(QStringLiteral("03b-validate-duplicates"));

    wizard->next();
    QCOMPARE(wizard->currentId(), int(RecoveryWizard::IncidentsStep));
    auto *incidents = wizard->currentPage()->findChild<QTableView *>(QStringLiteral("incidentView"));
    QTRY_VERIFY(incidents->model()->rowCount() > 0);
    incidents->selectRow(3);
    grab(QStringLiteral("04-incidents"));
    wizard->currentPage()->findChild<QTabWidget *>(QStringLiteral("incidentTabs"))->setCurrentIndex(1);
    grab(QStringLiteral("04b-incidents-charts"));

    QVERIFY(w->roster()->importStaffCsv(demo + QStringLiteral("/staff.csv")));
    w->session()->waitForIdle();
    QVERIFY(w->roster()->importRosterCsv(demo + QStringLiteral("/roster.csv")));
    w->session()->waitForIdle();
    wizard->next();
    QTRY_VERIFY(w->roster()->isBuilt());
    w->session()->waitForIdle();
    QTRY_VERIFY(!w->roster()->isStale());
    grab(QStringLiteral("05-teachers"));
    wizard->next();
    grab(QStringLiteral("06-classrooms"));
    selectFirstRows(1);
    grabDialog(QStringLiteral("06b-classroom-specialists"), QStringLiteral("specialistsDialog"), QStringLiteral("editSpecialistsButton"));
    wizard->next();
    grab(QStringLiteral("07-students"));
    selectFirstRows(2);
    grabDialog(QStringLiteral("07b-students-merge"), QStringLiteral("mergeStudentsDialog"), QStringLiteral("mergeStudentsButton"));
    grabDialog(QStringLiteral("07c-roster-columns"), QStringLiteral("schoolListDialog"), [&] {
        qobject_cast<RosterPage *>(wizard->currentPage())->importListFrom(demo + QStringLiteral("/roster.csv"));
    });
    wizard->next();
    QCOMPARE(wizard->currentId(), int(RecoveryWizard::LinksStep));
    grab(QStringLiteral("08-links"));

    if (Sandbox::findPostgresBinDir().isEmpty()) {
        qInfo("no PostgreSQL: the database steps are not shown");
        return;
    }
    Sandbox sandbox = Sandbox::start(m_tmp.filePath(QStringLiteral("sandbox")));
    auto stop = qScopeGuard([&] { sandbox.stop(); });
    wizard->next();
    QCOMPARE(wizard->currentId(), int(RecoveryWizard::DatabaseStep));
    w->findChild<QLineEdit *>(QStringLiteral("connectionEdit"))->setText(sandbox.url());
    w->database()->setConnection(sandbox.url());
    QVERIFY(w->database()->connectToDatabase());
    w->session()->waitForIdle();
    QVERIFY(w->database()->isConnected());
    grab(QStringLiteral("09-database"));
    wizard->next();
    w->session()->waitForIdle();
    QVERIFY(w->database()->plan().has_value());
    grab(QStringLiteral("10-plan"));
    wizard->next();
    w->findChild<QLineEdit *>(QStringLiteral("confirmDatabaseEdit"))->setText(QStringLiteral("tracktally_sandbox"));
    w->findChild<QLineEdit *>(QStringLiteral("backupDirEdit"))->setText(m_tmp.filePath(QStringLiteral("backups")));
    if (!wizard->readiness()->isReady()) {
        // the commit waits for the open questions: the page says why; accept every suggestion
        grab(QStringLiteral("11a-commit-blocked"));
        QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("acceptSuggestionsButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->readiness()->isReady(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->session()->isBusy() && w->database()->plan().has_value(), 60000);
    }
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("commitButton")), Qt::LeftButton);
    w->session()->waitForIdle();
    QVERIFY(w->database()->applied().has_value());
    grab(QStringLiteral("11-commit"));
    wizard->next();
    w->session()->waitForIdle();
    QVERIFY(w->database()->verified().has_value());
    grab(QStringLiteral("12-verify"));

    // Protect a database: a restore drill of the sandbox database, its verdict and its saved report.
    wizard->restart();
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("protectModeButton")), Qt::LeftButton);
    w->findChild<QLineEdit *>(QStringLiteral("protectConnectionEdit"))->setText(sandbox.url());
    w->findChild<QLineEdit *>(QStringLiteral("protectFolderEdit"))->setText(m_tmp.filePath(QStringLiteral("drills")));
    QTest::mouseClick(w->findChild<QAbstractButton *>(QStringLiteral("runDrillButton")), Qt::LeftButton);
    auto *protect = w->findChild<ProtectSession *>();
    QTRY_VERIFY_WITH_TIMEOUT(!protect->isBusy(), 180000);
    QVERIFY2(protect->outcome() && protect->outcome()->passed, qPrintable(protect->outcome()->text));
    grab(QStringLiteral("01c-protect-drill"));
    qInfo("screenshots written to %s", qPrintable(m_out));
}

void tst_Screenshots::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(tst_Screenshots)
#include "tst_screenshots.moc"
