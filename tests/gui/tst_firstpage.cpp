// The first page's "What you need" panel and "Try it on the demo school" button, driven in the real wizard
// offscreen: the demo project is created and filled from the shipped demo exports (as script/demo does).
// The Sources step's "Use a roster snapshot…": a generated school's quirky export leaves questions; its roster
// snapshot (the school's ground truth, written as 'snapshot' writes it) leaves none.
#include "fixturegenerator.h"
#include "mainwindow.h"
#include "pages/sourcespage.h"
#include "roster/rostersnapshot.h"
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
#include <QSignalSpy>
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
    void rosterSnapshotOnSourcesPage();
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
    QTemporaryDir m_dir;
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

void tst_FirstPage::rosterSnapshotOnSourcesPage()
{
    test::SchoolSpec spec;
    spec.seed = 11;
    spec.classes = 5;
    spec.studentsPerClass = 10;
    spec.logs = 900;
    const test::School school = test::generateSchool(spec);
    const QString csv = m_dir.filePath(QStringLiteral("Incidents.csv"));
    test::writeCsvTab(school, RecordType::Incident, csv, test::QuirkOptions{});

    // A new project through the first page, the export through the Sources step.
    m_window->wizard()->restart();
    find<QLineEdit>(QStringLiteral("schoolNameEdit"))->setText(school.spec.name);
    find<QLineEdit>(QStringLiteral("domainEdit"))->setText(school.spec.domain);
    find<QLineEdit>(QStringLiteral("projectFileEdit"))->setText(m_dir.filePath(QStringLiteral("snapshot.ttproj")));
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("createProjectButton")), Qt::LeftButton);
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::SourcesStep));
    QVERIFY(m_window->sources()->addFiles({csv}));
    m_window->session()->waitForIdle();
    QVERIFY(m_window->roster()->rebuild());
    m_window->session()->waitForIdle();
    auto questions = [this] {
        int n = 0;
        for (const Conflict &c : m_window->roster()->roster().conflicts)
            n += c.needsDecision ? 1 : 0;
        return n;
    };
    const int before = questions();
    QVERIFY2(before > 0, "the quirky export should leave questions");

    RosterSnapshot snap;
    snap.school = school.spec.name;
    snap.domain = school.spec.domain;
    snap.database = QStringLiteral("tracktally");
    snap.takenAt = QStringLiteral("2025-11-20T00:00:00.000Z");
    for (const test::TruthTeacher &t : school.teachers)
        snap.teachers.push_back({t.email, t.displayName, t.role, t.specialist, true});
    for (const test::TruthClass &c : school.classes)
        snap.classrooms.push_back({c.code, c.name, false, c.homeroomEmail, c.specialistEmails});
    for (const test::TruthStudent &st : school.students)
        snap.students.push_back({st.studentId, st.firstName, st.lastName, st.finalClassCode, st.guardians, QString(), true});
    const QString dir = m_dir.filePath(QStringLiteral("roster-snapshot"));
    snap.write(dir);

    auto *page = qobject_cast<SourcesPage *>(m_window->wizard()->currentPage());
    QVERIFY(page);
    QVERIFY(page->findChild<QAbstractButton *>(QStringLiteral("useSnapshotButton")));
    auto *note = find<QLabel>(QStringLiteral("snapshotNoteLabel"));

    // A folder that is not a snapshot is refused with a message, and nothing changes.
    page->useSnapshot(m_dir.path());
    QVERIFY(note->isVisible());
    QVERIFY2(note->text().contains(QStringLiteral("not a roster snapshot")), qPrintable(note->text()));
    QCOMPARE(questions(), before);

    QSignalSpy rebuilt(m_window->roster(), &RosterSession::rosterChanged);
    page->useSnapshot(dir);
    QTRY_VERIFY_WITH_TIMEOUT(rebuilt.count() > 0 && !m_window->session()->isBusy(), 30000);
    m_window->session()->waitForIdle();
    QVERIFY2(note->text().contains(QStringLiteral("Roster snapshot")), qPrintable(note->text()));
    QCOMPARE(questions(), 0);
    for (const test::TruthStudent &st : school.students) {
        const StudentDraft *d = m_window->roster()->roster().student(st.studentId);
        QVERIFY2(d, qPrintable(st.studentId));
        QCOMPARE(d->firstName + u' ' + d->lastName + u' ' + d->classCode,
                 st.firstName + u' ' + st.lastName + u' ' + st.finalClassCode);
    }
    qInfo("questions: %d from the export alone, 0 after \"Use a roster snapshot\"", before);
}

void tst_FirstPage::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(tst_FirstPage)
#include "tst_firstpage.moc"
