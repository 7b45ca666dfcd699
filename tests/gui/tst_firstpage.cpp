// The first page's "What you need" panel and "Try it on the demo school" button, driven in the real wizard
// offscreen: the demo project is created and filled from the shipped demo exports (as script/demo does).
#include "mainwindow.h"
#include "recoverywizard.h"
#include "session/demoschool.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::ui;

class tst_FirstPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void whatYouNeed();
    void demoSchool();
    void cleanupTestCase();

private:
    template<typename T> T *find(const QString &name) const
    {
        T *w = m_window->findChild<T *>(name);
        if (!w)
            qWarning("no widget named %s", qPrintable(name));
        return w;
    }
    std::unique_ptr<MainWindow> m_window;
};

void tst_FirstPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_firstpage"));
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_FirstPage::whatYouNeed()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::ProjectStep));
    auto *box = find<QGroupBox>(QStringLiteral("needsBox"));
    QVERIFY(box);
    QVERIFY(box->isVisible());
    const QString text = find<QLabel>(QStringLiteral("needsLabel"))->text();
    for (const char *part : {"Google Sheet", "CSV", "XLSX", "student list", ".env", "folder for backups"})
        QVERIFY2(text.contains(QLatin1String(part)), part);
}

void tst_FirstPage::demoSchool()
{
    const QString dir = DemoSchool::dataDir();
    QVERIFY2(!dir.isEmpty(), "the demo exports (resources/demo) are not found");
    const QString project = DemoSchool::defaultProjectPath();
    QFile::remove(project);
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("demoButton")), Qt::LeftButton);
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::SourcesStep));
    m_window->session()->waitForIdle();
    QVERIFY(QFile::exists(project));
    QCOMPARE(m_window->session()->projectPath(), project);
    QCOMPARE(m_window->session()->project().school(), DemoSchool::school());
    QCOMPARE(m_window->sources()->sourceCount(), 2);
    // The accounting the demo's README documents (incidents.csv + commendations.csv).
    const RowCounts c = m_window->session()->project().counts();
    QCOMPARE(c.read, qint64(1975 + 1089));
    QCOMPARE(c.accepted, qint64(1937 + 1063));
    QCOMPARE(c.quarantined, qint64(9 + 8));
    QVERIFY(c.balanced());
    QCOMPARE(m_window->roster()->rosterCount(), 336);
    QVERIFY(m_window->roster()->staffCount() > 0);
    QTRY_VERIFY(m_window->wizard()->button(QWizard::NextButton)->isEnabled());

    // A second click starts a fresh demo project again (the same file, the same content, nothing doubled).
    m_window->wizard()->restart();
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("demoButton")), Qt::LeftButton);
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::SourcesStep));
    m_window->session()->waitForIdle();
    QCOMPARE(m_window->session()->project().counts().read, qint64(1975 + 1089));
}

void tst_FirstPage::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(tst_FirstPage)
#include "tst_firstpage.moc"
