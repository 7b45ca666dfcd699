// Drives the real wizard offscreen by objectName: create a project, drop the sheet exports on the Sources page,
// check the accounting, fix a quarantined row, filter incidents, edit the roster (specialists, merging two
// student ids, undo and redo) and reopen the project on the same step.
#include "fixturegenerator.h"
#include "mainwindow.h"
#include "models/incidentmodel.h"
#include "models/quarantinemodel.h"
#include "models/rostermodels.h"
#include "pages/incidentspage.h"
#include "pages/rosterpage.h"
#include "pages/validatepage.h"
#include "recoverywizard.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QItemSelectionModel>
#include <QTimer>
#include <QUndoStack>

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUrl>

using namespace tt;
using namespace tt::ui;

class tst_Wizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createProject();
    void dropSources();
    void accountingMatchesProject();
    void fixQuarantinedRow();
    void dismissQuarantinedRow();
    void filterIncidents_data();
    void filterIncidents();
    void exportListAndStudentHistory();
    void backAlwaysWorks();
    void classSpecialistsAndUndo();
    void mergeStudentsUndoRedoSeparate();
    void settledAutomaticallyUndo();
    void importRosterThroughMappingStep();
    void reopenLandsOnSameStep();
    void cleanupTestCase();

private:
    template<typename T> T *find(const QString &name) const
    {
        T *w = m_window->findChild<T *>(name);
        if (!w)
            qWarning("no widget named %s", qPrintable(name));
        return w;
    }
    void clickNext() { QTest::mouseClick(find<QAbstractButton>(QStringLiteral("nextButton")), Qt::LeftButton); }
    // Runs act on the next modal dialog named name once it is open, then presses its OK button.
    void whenDialogOpens(const QString &name, std::function<void(QDialog *)> act, bool *done)
    {
        auto *timer = new QTimer(this);
        timer->setInterval(20);
        connect(timer, &QTimer::timeout, this, [name, act, done, timer] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            if (!dialog || dialog->objectName() != name)
                return;
            timer->stop();
            timer->deleteLater();
            act(dialog);
            QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
            *done = true;
        });
        timer->start();
    }
    QTableView *rosterView() const
    {
        return m_window->wizard()->currentPage()->findChild<QTableView *>(QStringLiteral("rosterView"));
    }
    // Selects the rows whose key (the code / id column) is in keys.
    void selectKeys(const QStringList &keys)
    {
        QTableView *view = rosterView();
        view->clearSelection();
        for (int r = 0; r < view->model()->rowCount(); ++r) {
            const QModelIndex i = view->model()->index(r, 0);
            if (keys.contains(i.data(RosterTableModel::KeyRole).toString())) {
                view->selectionModel()->select(i, QItemSelectionModel::Select | QItemSelectionModel::Rows);
                view->selectionModel()->setCurrentIndex(i, QItemSelectionModel::Select | QItemSelectionModel::Rows);
            }
        }
    }

    QTemporaryDir m_dir;
    test::School m_school;
    test::ExportResult m_incidents, m_commendations;
    QString m_projectPath;
    std::unique_ptr<MainWindow> m_window;
};

void tst_Wizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTallyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_wizard"));
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    test::SchoolSpec spec;
    spec.seed = 7;
    spec.classes = 6;
    spec.studentsPerClass = 12;
    spec.logs = 1200;
    m_school = test::generateSchool(spec);
    m_incidents = test::writeCsvTab(m_school, RecordType::Incident, m_dir.filePath(QStringLiteral("Incidents.csv")), test::QuirkOptions{});
    m_commendations = test::writeCsvTab(m_school, RecordType::Commendation, m_dir.filePath(QStringLiteral("Commendations.csv")), test::QuirkOptions{});
    QVERIFY(m_incidents.counts.quarantined > 0);
    m_projectPath = m_dir.filePath(QStringLiteral("wattle.ttproj"));
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_Wizard::createProject()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::ProjectStep));
    QVERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    QTest::keyClicks(find<QLineEdit>(QStringLiteral("schoolNameEdit")), m_school.spec.name);
    QTest::keyClicks(find<QLineEdit>(QStringLiteral("domainEdit")), m_school.spec.domain);
    find<QComboBox>(QStringLiteral("timeZoneCombo"))->setCurrentText(m_school.spec.timeZone);
    auto *file = find<QLineEdit>(QStringLiteral("projectFileEdit"));
    file->selectAll();
    QTest::keyClick(file, Qt::Key_Delete);
    QTest::keyClicks(file, m_projectPath);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("createProjectButton")), Qt::LeftButton);
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::SourcesStep));
    QVERIFY(QFile::exists(m_projectPath));
    QCOMPARE(m_window->session()->project().school().domain, m_school.spec.domain);
}

void tst_Wizard::dropSources()
{
    QWizardPage *page = m_window->wizard()->currentPage();
    QVERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    auto *mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(m_incidents.path), QUrl::fromLocalFile(m_commendations.path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(page, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(page, &drop);
    QVERIFY(drop.isAccepted());
    delete mime;
    QTRY_VERIFY(!m_window->session()->isBusy());
    QVERIFY2(m_window->session()->project().sources().size() == 2,
             qPrintable(find<QLabel>(QStringLiteral("statusMessage"))->text()));
    QCOMPARE(find<QComboBox>(QStringLiteral("sourceCombo"))->count(), 2);
    QTRY_VERIFY(find<QTableView>(QStringLiteral("previewView"))->model()->rowCount() > 0);
    QVERIFY(find<QLabel>(QStringLiteral("headerStatusLabel"))->text().contains(QStringLiteral("Header row found")));

    // the same column chosen twice is caught and blocks Next
    auto *studentName = find<QComboBox>(QStringLiteral("fieldCombo_studentName"));
    const int before = studentName->currentIndex();
    studentName->setCurrentIndex(studentName->findData(0)); // column A, already the timestamp
    QVERIFY(!find<QLabel>(QStringLiteral("mappingProblemsLabel"))->text().isEmpty());
    QVERIFY(!find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    QTest::mouseClick(find<QPushButton>(QStringLiteral("revertMappingButton")), Qt::LeftButton);
    QCOMPARE(studentName->currentIndex(), before);
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
}

void tst_Wizard::accountingMatchesProject()
{
    clickNext();
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::ValidateStep));
    const RowCounts c = m_window->session()->project().counts();
    auto *label = find<QLabel>(QStringLiteral("accountingLabel"));
    QCOMPARE(label->property("read").toLongLong(), c.read);
    QCOMPARE(label->property("accepted").toLongLong(), c.accepted);
    QCOMPARE(label->property("duplicates").toLongLong(), c.duplicatesIdentical + c.duplicatesConflicting);
    QCOMPARE(label->property("quarantined").toLongLong(), c.quarantined);
    QVERIFY(label->text().contains(QLocale().toString(c.read)));
    // and against the generator's ground truth
    QCOMPARE(c.read, m_incidents.counts.read + m_commendations.counts.read);
    QCOMPARE(c.quarantined, m_incidents.counts.quarantined + m_commendations.counts.quarantined);
    QVERIFY(c.balanced());
    QCOMPARE(find<QTableView>(QStringLiteral("quarantineView"))->model()->rowCount(), int(c.quarantined));
}

void tst_Wizard::fixQuarantinedRow()
{
    Project &p = m_window->session()->editableProject();
    // a row quarantined only for its timestamp
    int target = -1;
    for (size_t i = 0; i < p.quarantine().size(); ++i)
        if (p.quarantine()[i].field == u"timestamp" && p.sources()[size_t(p.quarantine()[i].sourceIndex)].type == RecordType::Incident) {
            target = int(i);
            break;
        }
    QVERIFY2(target >= 0, "the fixture has no row quarantined for its timestamp");
    const RowCounts before = p.counts();
    const int tsColumn = p.sources()[size_t(p.quarantine()[size_t(target)].sourceIndex)].mapping.column(Field::Timestamp);
    auto *view = find<QTableView>(QStringLiteral("quarantineView"));
    const QModelIndex idx = view->model()->index(target, QuarantineModel::FirstCellColumn + tsColumn);
    view->setFocus();
    view->setCurrentIndex(idx);
    view->edit(idx);
    QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
    auto *editor = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    editor->selectAll();
    QTest::keyClick(editor, Qt::Key_Delete);
    QTest::keyClicks(editor, QStringLiteral("2025-03-04T01:02:03.000Z"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(p.counts().quarantined, before.quarantined - 1);
    const RowCounts after = p.counts();
    QCOMPARE(after.read, before.read);
    QVERIFY(after.balanced());
    QTRY_COMPARE(view->model()->rowCount(), int(after.quarantined));
    QTRY_COMPARE(find<QLabel>(QStringLiteral("accountingLabel"))->property("quarantined").toLongLong(), after.quarantined);
    QVERIFY(find<QLabel>(QStringLiteral("validateMessageLabel"))->text().contains(QStringLiteral("accepted")));
}

// Select a quarantined row, type why it is not a log, Dismiss: marked in the table, counted, kept in the project;
// Bring the row back undoes it.
void tst_Wizard::dismissQuarantinedRow()
{
    auto *view = find<QTableView>(QStringLiteral("quarantineView"));
    auto *reason = find<QLineEdit>(QStringLiteral("dismissReasonEdit"));
    auto *dismiss = find<QPushButton>(QStringLiteral("dismissQuarantineButton"));
    auto *restore = find<QPushButton>(QStringLiteral("restoreQuarantineButton"));
    QVERIFY(view && reason && dismiss && restore);
    QVERIFY(view->model()->rowCount() > 0);
    const qint64 quarantined = m_window->session()->project().counts().quarantined;
    const int row = view->model()->rowCount() - 1;
    view->setCurrentIndex(view->model()->index(row, QuarantineModel::ReasonColumn));
    QVERIFY(!dismiss->isEnabled()); // a reason first
    QTest::keyClicks(reason, QStringLiteral("a test entry typed by hand"));
    QVERIFY(dismiss->isEnabled());
    QTest::mouseClick(dismiss, Qt::LeftButton);
    const QModelIndex mark = view->model()->index(row, QuarantineModel::DismissedColumn);
    QTRY_COMPARE(mark.data().toString(), QStringLiteral("Dismissed: a test entry typed by hand"));
    QVERIFY(reason->text().isEmpty());
    QCOMPARE(m_window->session()->project().counts().quarantined, quarantined); // still counted
    QCOMPARE(find<QLabel>(QStringLiteral("accountingLabel"))->property("dismissed").toLongLong(), qint64(1));
    QVERIFY(find<QLabel>(QStringLiteral("validateMessageLabel"))->text().contains(QStringLiteral("dismissed")));
    QVERIFY(find<QTabWidget>(QStringLiteral("validateTabs"))->tabText(0).contains(QStringLiteral("1 dismissed")));
    QCOMPARE(view->currentIndex().row(), row);
    QVERIFY(restore->isEnabled() && !dismiss->isEnabled());
    QTest::mouseClick(restore, Qt::LeftButton);
    QTRY_VERIFY(view->model()->index(row, QuarantineModel::DismissedColumn).data().toString().isEmpty());
    QCOMPARE(find<QLabel>(QStringLiteral("accountingLabel"))->property("dismissed").toLongLong(), qint64(0));
    QVERIFY(!restore->isEnabled());
}

void tst_Wizard::filterIncidents_data()
{
    QTest::addColumn<QString>("category");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("text");
    QTest::newRow("all") << QString() << -1 << QString();
    QTest::newRow("incidents only") << QString() << 0 << QString();
    QTest::newRow("bullying incidents") << QStringLiteral("Bullying") << 0 << QString();
    QTest::newRow("text 'hat'") << QString() << -1 << QStringLiteral("hat");
}

void tst_Wizard::filterIncidents()
{
    QFETCH(QString, category);
    QFETCH(int, type);
    QFETCH(QString, text);
    if (m_window->wizard()->currentId() != RecoveryWizard::IncidentsStep) {
        clickNext();
        QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::IncidentsStep));
    }
    auto *typeCombo = find<QComboBox>(QStringLiteral("typeFilter"));
    typeCombo->setCurrentIndex(typeCombo->findData(type));
    auto *cat = find<QComboBox>(QStringLiteral("categoryFilter"));
    cat->setCurrentIndex(qMax(0, cat->findData(category)));
    auto *textEdit = find<QLineEdit>(QStringLiteral("textFilter"));
    textEdit->clear();
    QTest::keyClicks(textEdit, text);

    // ground truth: the accepted records, counted here
    const std::vector<IncidentRecord> accepted = m_window->session()->project().acceptedRecords();
    int expected = 0;
    for (const IncidentRecord &r : accepted) {
        if (type >= 0 && int(r.type) != type)
            continue;
        if (!category.isEmpty() && r.category != category)
            continue;
        if (!text.isEmpty() && !(r.note.contains(text, Qt::CaseInsensitive) || r.studentName.contains(text, Qt::CaseInsensitive)
                                 || r.teacherEmail.contains(text, Qt::CaseInsensitive) || r.category.contains(text, Qt::CaseInsensitive)
                                 || r.location.contains(text, Qt::CaseInsensitive) || r.actionTaken.contains(text, Qt::CaseInsensitive)
                                 || r.studentId == text || r.classCode.compare(text, Qt::CaseInsensitive) == 0
                                 || r.level.compare(text, Qt::CaseInsensitive) == 0))
            continue;
        ++expected;
    }
    auto *view = find<QTableView>(QStringLiteral("incidentView"));
    QTRY_COMPARE(view->model()->rowCount(), expected);
    QTRY_VERIFY(find<QLabel>(QStringLiteral("matchesLabel"))->text().contains(QLocale().toString(expected)));
}

namespace {
// pdftotext (poppler-utils, installed by script/deps): the PDF's text, or a null string when it cannot be read.
QString pdfText(const QString &path)
{
    QProcess p;
    p.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), path, QStringLiteral("-")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput());
}
} // namespace

// The list as filtered and sorted, to CSV and PDF; the selected log's student's whole history to PDF.
void tst_Wizard::exportListAndStudentHistory()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::IncidentsStep));
    auto *page = qobject_cast<IncidentsPage *>(m_window->wizard()->currentPage());
    QVERIFY(page);
    find<QPushButton>(QStringLiteral("clearFiltersButton"))->click();
    const std::vector<IncidentRecord> accepted = m_window->session()->project().acceptedRecords();
    const QString cls = accepted.front().classCode;
    auto *classCombo = find<QComboBox>(QStringLiteral("classFilter"));
    classCombo->setCurrentText(cls);
    const auto expected = std::count_if(accepted.begin(), accepted.end(), [&](const IncidentRecord &r) {
        return r.classCode.compare(cls, Qt::CaseInsensitive) == 0;
    });
    auto *view = find<QTableView>(QStringLiteral("incidentView"));
    QTRY_COMPARE(qint64(view->model()->rowCount()), qint64(expected));
    view->sortByColumn(IncidentModel::StudentColumn, Qt::DescendingOrder);

    // CSV: one line per row shown, in the order shown (the log id column), under the header.
    const QString csv = m_dir.filePath(QStringLiteral("class-list.csv"));
    QVERIFY(page->exportListTo(csv, IncidentsPage::ListFormat::Csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll().mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    f.close();
    QVERIFY(lines.first().startsWith(QStringLiteral("When (school time),Type,Student,")));
    int shown = 0;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const IncidentRecord *r = page->model()->record(page->proxy()->mapToSource(view->model()->index(row, 0)).row());
        QVERIFY(r);
        if (r->note.contains(u'\n'))
            break; // a multi-line note spans lines of the file: compare up to there
        QVERIFY2(lines.at(row + 1).contains(u',' + r->uuid + u','), qPrintable(lines.at(row + 1)));
        ++shown;
    }
    QVERIFY(shown > 0);
    QVERIFY(find<QLabel>(QStringLiteral("saveMessage"))->text().contains(QStringLiteral("saved to")));

    // PDF of the same list, read back as text.
    const QString pdf = m_dir.filePath(QStringLiteral("class-list.pdf"));
    QVERIFY(page->exportListTo(pdf, IncidentsPage::ListFormat::Pdf));
    QString text = pdfText(pdf);
    QVERIFY2(!text.isNull(), "pdftotext could not read the PDF");
    QVERIFY2(text.contains(QStringLiteral("Recovered incidents: ") + m_school.spec.name), qPrintable(text.left(400)));
    QVERIFY2(text.contains(QStringLiteral("Filtered: class: ") + cls), qPrintable(text.left(400)));
    QVERIFY(text.contains(QStringLiteral("%1 log").arg(QLocale().toString(qint64(expected)))));

    // One student's history: every log with that id, whatever the filter.
    view->selectionModel()->setCurrentIndex(view->model()->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const IncidentRecord *selected = page->model()->record(page->proxy()->mapToSource(view->model()->index(0, 0)).row());
    QVERIFY(selected && !selected->studentId.isEmpty());
    // A sort runs off the GUI thread; when the new order lands, the selected log is still the one selected.
    view->sortByColumn(IncidentModel::LevelColumn, Qt::AscendingOrder);
    auto sortedByLevel = [&] {
        for (int row = 1; row < view->model()->rowCount(); ++row)
            if (page->proxy()->lessThan(page->proxy()->mapToSource(view->model()->index(row, IncidentModel::LevelColumn)),
                                        page->proxy()->mapToSource(view->model()->index(row - 1, IncidentModel::LevelColumn))))
                return false;
        return true;
    };
    QTRY_VERIFY(sortedByLevel());
    QCOMPARE(page->model()->record(page->proxy()->mapToSource(view->selectionModel()->currentIndex()).row()), selected);
    QVERIFY(find<QPushButton>(QStringLiteral("studentHistoryButton"))->isEnabled());
    qint64 incidents = 0, commendations = 0;
    for (const IncidentRecord &r : accepted)
        if (r.studentId == selected->studentId)
            ++(r.type == RecordType::Incident ? incidents : commendations);
    const QString history = m_dir.filePath(QStringLiteral("history.pdf"));
    QVERIFY(page->printStudentHistoryTo(history));
    text = pdfText(history);
    QVERIFY2(text.contains(QStringLiteral("Behaviour history: ") + selected->studentName), qPrintable(text.left(400)));
    QVERIFY(text.contains(QStringLiteral("Student ID: ") + selected->studentId));
    const QString said = (incidents == 1 ? QStringLiteral("1 incident") : QStringLiteral("%1 incidents").arg(incidents))
                         + QStringLiteral(" and ")
                         + (commendations == 1 ? QStringLiteral("1 commendation") : QStringLiteral("%1 commendations").arg(commendations));
    QVERIFY2(text.contains(said), qPrintable(text.left(600)));

    // A folder that cannot be written: a message that says so, and nothing claimed saved.
    const QString blocked = m_dir.filePath(QStringLiteral("class-list.csv/inside.pdf"));
    QVERIFY(!page->exportListTo(blocked, IncidentsPage::ListFormat::Pdf));
    QVERIFY(find<QLabel>(QStringLiteral("saveMessage"))->text().startsWith(QStringLiteral("Could not save")));
    find<QPushButton>(QStringLiteral("clearFiltersButton"))->click();
    view->sortByColumn(IncidentModel::TimeColumn, Qt::AscendingOrder);
}

void tst_Wizard::backAlwaysWorks()
{
    clickNext();
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::TeachersStep));
    QTRY_VERIFY(m_window->roster()->isBuilt());
    QTRY_VERIFY(find<QAbstractButton>(QStringLiteral("nextButton"))->isEnabled());
    auto *back = find<QAbstractButton>(QStringLiteral("backButton"));
    QVERIFY(back->isEnabled());
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::IncidentsStep));
    clickNext();
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::TeachersStep));
    auto *teachers = m_window->wizard()->currentPage()->findChild<QTableView *>(QStringLiteral("rosterView"));
    QTRY_COMPARE(teachers->model()->rowCount(), int(m_window->roster()->roster().teachers.size()));
    QVERIFY(teachers->model()->rowCount() > 0);
}

void tst_Wizard::classSpecialistsAndUndo()
{
    clickNext();
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::ClassroomsStep));
    RosterSession *roster = m_window->roster();
    QTRY_VERIFY(!m_window->session()->isBusy());
    const ClassroomDraft cls = roster->roster().classrooms.front();
    selectKeys({cls.code});
    // tick every teacher who is not yet a specialist of this class
    QStringList ticked;
    bool done = false;
    whenDialogOpens(QStringLiteral("specialistsDialog"), [&ticked](QDialog *d) {
        auto *list = d->findChild<QListWidget *>(QStringLiteral("specialistList"));
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->checkState() == Qt::Unchecked) {
                list->item(i)->setCheckState(Qt::Checked);
                ticked << list->item(i)->data(Qt::UserRole).toString();
                break;
            }
    }, &done);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("editSpecialistsButton")), Qt::LeftButton);
    QTRY_VERIFY(done);
    QCOMPARE(ticked.size(), 1);
    const ClassroomDecision *d = roster->decisions().classroom(cls.code);
    QVERIFY(d && d->specialistEmails);
    QStringList expected = QStringList(cls.specialistEmails) << ticked, got = *d->specialistEmails;
    expected.sort();
    got.sort();
    QCOMPARE(got, expected); // the suggested ones kept, the ticked one added
    QCOMPARE(m_window->rosterUndoStack()->count(), 1);

    auto *undo = m_window->findChild<QAction *>(QStringLiteral("undoAction"));
    QVERIFY(undo->isEnabled());
    QVERIFY(undo->text().contains(cls.code));
    undo->trigger();
    QVERIFY(!roster->decisions().classroom(cls.code) || !roster->decisions().classroom(cls.code)->specialistEmails);
    QTRY_VERIFY(!m_window->session()->isBusy());
    QTRY_COMPARE(roster->roster().classrooms.front().specialistEmails, cls.specialistEmails);
    // and the project file has it undone too once saved
    QVERIFY(m_window->session()->saveNow());
    QVERIFY(!RosterSession::loadDecisions(Project::load(m_projectPath)).classroom(cls.code)
            || !RosterSession::loadDecisions(Project::load(m_projectPath)).classroom(cls.code)->specialistEmails);
}

void tst_Wizard::mergeStudentsUndoRedoSeparate()
{
    clickNext();
    QTRY_COMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::StudentsStep));
    RosterSession *roster = m_window->roster();
    QTRY_VERIFY(!m_window->session()->isBusy());
    const int students = int(roster->roster().students.size());
    // two students that were not merged automatically (leading-zero twins have loggedIds of their own)
    std::vector<StudentDraft> plain;
    for (const StudentDraft &s : roster->roster().students)
        if (s.loggedIds.isEmpty() && plain.size() < 2)
            plain.push_back(s);
    QCOMPARE(plain.size(), size_t(2));
    const StudentDraft a = plain[0], b = plain[1];
    QVERIFY(students > 2);
    selectKeys({a.studentId, b.studentId});
    bool done = false;
    whenDialogOpens(QStringLiteral("mergeStudentsDialog"), [&a](QDialog *d) {
        auto *keep = d->findChild<QAbstractButton *>(QStringLiteral("keepId_") + a.studentId);
        QVERIFY(keep);
        keep->click();
    }, &done);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("mergeStudentsButton")), Qt::LeftButton);
    QTRY_VERIFY(done);
    QCOMPARE(roster->decisions().mergedStudentId(b.studentId), a.studentId);
    QTRY_COMPARE(int(roster->roster().students.size()), students - 1);
    QTRY_VERIFY(!m_window->session()->isBusy());
    auto merged = std::find_if(roster->roster().students.begin(), roster->roster().students.end(),
                               [&a](const StudentDraft &s) { return s.studentId == a.studentId; });
    QVERIFY(merged != roster->roster().students.end());
    QCOMPARE(merged->logs, a.logs + b.logs); // every log of both ids, none lost
    QCOMPARE(roster->mergedInto(a.studentId), QStringList{b.studentId});

    // Ctrl+Z undoes the merge, Ctrl+Shift+Z does it again
    auto *undo = m_window->findChild<QAction *>(QStringLiteral("undoAction"));
    auto *redo = m_window->findChild<QAction *>(QStringLiteral("redoAction"));
    undo->trigger();
    QTRY_COMPARE(int(roster->roster().students.size()), students);
    QTRY_VERIFY(!m_window->session()->isBusy());
    QVERIFY(redo->isEnabled());
    redo->trigger();
    QTRY_COMPARE(int(roster->roster().students.size()), students - 1);
    QTRY_VERIFY(!m_window->session()->isBusy());

    // Separate… on the kept student splits them again (one merged id: no question asked)
    selectKeys({a.studentId});
    QTest::mouseClick(find<QPushButton>(QStringLiteral("separateStudentButton")), Qt::LeftButton);
    QTRY_COMPARE(int(roster->roster().students.size()), students);
    QCOMPARE(roster->decisions().mergedStudentId(b.studentId), b.studentId);
    QTRY_VERIFY(!m_window->session()->isBusy());
}

void tst_Wizard::settledAutomaticallyUndo()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::StudentsStep));
    RosterSession *roster = m_window->roster();
    QTRY_VERIFY(!m_window->session()->isBusy());
    auto *page = qobject_cast<RosterPage *>(m_window->wizard()->currentPage());
    QVERIFY(page);
    // the export dropped leading zeros and misspelt names: settled, listed apart, not "to check"
    const std::vector<Conflict> settled = roster->settledConflicts(RosterSession::Area::Students);
    QVERIFY(!settled.empty());
    int twins = 0;
    for (const Conflict &c : settled) {
        QVERIFY(!c.needsDecision);
        if (c.settledBy != QStringLiteral("leadingZeroTwins"))
            continue;
        ++twins;
        const StudentDraft *s = roster->roster().student(c.subject);
        QVERIFY2(s, qPrintable(c.subject));
        QVERIFY(!s->loggedIds.isEmpty());
        QVERIFY(!roster->studentProblems(*s).contains(c.detail)); // no badge for a settled item
    }
    QVERIFY(twins > 0);
    int rowsToCheck = 0;
    for (const StudentDraft &s : roster->roster().students)
        rowsToCheck += roster->studentProblems(s).isEmpty() ? 0 : 1;
    QCOMPARE(page->attention().isEmpty(), rowsToCheck == 0);
    if (rowsToCheck > 0)
        QVERIFY(page->attention().contains(QString::number(rowsToCheck)));

    // each roster page has its own filter: this page's
    auto *filter = page->findChild<QToolButton *>(QStringLiteral("settledFilterButton"));
    auto *list = page->findChild<QTreeWidget *>(QStringLiteral("settledView"));
    QVERIFY(filter && list);
    QVERIFY(filter->text().contains(QStringLiteral("(%1)").arg(settled.size())));
    QVERIFY(!list->isVisible());
    QTest::mouseClick(filter, Qt::LeftButton);
    QTRY_VERIFY(list->isVisible());
    QVERIFY(!rosterView()->isVisible());
    QCOMPARE(list->topLevelItemCount(), int(settled.size()));
    // pick the first leading-zero twin and undo it: the two ids come apart, and a question is asked
    QTreeWidgetItem *twin = nullptr;
    for (int i = 0; i < list->topLevelItemCount() && !twin; ++i)
        if (list->topLevelItem(i)->data(0, Qt::UserRole).toString() == QStringLiteral("leadingZeroTwins"))
            twin = list->topLevelItem(i);
    QVERIFY(twin);
    const QString subject = twin->data(1, Qt::UserRole).toString();
    QVERIFY(twin->text(2).contains(subject)); // the evidence names the ids
    const int students = int(roster->roster().students.size());
    list->setCurrentItem(twin);
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("undoSettlementButton")), Qt::LeftButton);
    QVERIFY(roster->decisions().isReopened(QStringLiteral("leadingZeroTwins"), subject));
    QTRY_VERIFY(!m_window->session()->isBusy());
    QTRY_VERIFY(int(roster->roster().students.size()) > students);
    QTRY_COMPARE(list->topLevelItemCount(), int(settled.size()) - 1);
    bool asked = false;
    for (const Conflict &c : roster->roster().conflicts)
        asked = asked || (c.needsDecision && c.kind == QStringLiteral("leadingZeros"));
    QVERIFY(asked);
    // Edit > Undo settles it again
    m_window->findChild<QAction *>(QStringLiteral("undoAction"))->trigger();
    QTRY_VERIFY(!m_window->session()->isBusy());
    QTRY_COMPARE(int(roster->roster().students.size()), students);
    QVERIFY(!roster->decisions().isReopened(QStringLiteral("leadingZeroTwins"), subject));
    QTest::mouseClick(filter, Qt::LeftButton);
    QTRY_VERIFY(rosterView()->isVisible());
}

void tst_Wizard::importRosterThroughMappingStep()
{
    QCOMPARE(m_window->wizard()->currentId(), int(RecoveryWizard::StudentsStep));
    // a roster whose id and class headers no alias knows: the administrator names them in the mapping step
    const QString path = m_dir.filePath(QStringLiteral("pupils.csv"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Pupil Ref,Given,Family,Form Group\n");
    for (const test::TruthStudent &st : m_school.students)
        f.write(QStringLiteral("%1,%2,%3,%4\n").arg(st.studentId, st.firstName, st.lastName, st.finalClassCode).toUtf8());
    f.close();
    bool done = false, okWasOff = false;
    whenDialogOpens(QStringLiteral("schoolListDialog"), [&okWasOff](QDialog *d) {
        auto *ok = d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        okWasOff = !ok->isEnabled() && !d->findChild<QLabel *>(QStringLiteral("schoolListProblem"))->text().isEmpty();
        auto *id = d->findChild<QComboBox *>(QStringLiteral("schoolListField_studentId"));
        id->setCurrentIndex(id->findData(0));
        auto *cls = d->findChild<QComboBox *>(QStringLiteral("schoolListField_class"));
        cls->setCurrentIndex(cls->findData(3));
        QVERIFY(ok->isEnabled());
    }, &done);
    auto *page = qobject_cast<RosterPage *>(m_window->wizard()->currentPage());
    QVERIFY(page);
    page->importListFrom(path);
    QVERIFY(done);
    QVERIFY(okWasOff); // no id column chosen yet: Import was off and the dialog said why
    QTRY_COMPARE(m_window->roster()->rosterCount(), int(m_school.students.size()));
    QTRY_VERIFY(!m_window->session()->isBusy());
    QTRY_VERIFY(!m_window->roster()->isStale());
    m_window->session()->waitForIdle();
    // every student of the school is there now, with the class the roster gives
    QTRY_COMPARE(int(m_window->roster()->roster().students.size()), int(m_school.students.size()));
    for (const test::TruthStudent &st : m_school.students) {
        const StudentDraft *d = m_window->roster()->roster().student(st.studentId);
        QVERIFY2(d, qPrintable(st.studentId));
        QCOMPARE(d->classCode, st.finalClassCode);
    }
}

void tst_Wizard::reopenLandsOnSameStep()
{
    const int step = m_window->wizard()->currentId();
    const RowCounts counts = m_window->session()->project().counts();
    m_window->close();
    m_window.reset();
    Project saved = Project::load(m_projectPath);
    QCOMPARE(saved.counts(), counts);

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    auto *recent = find<QListWidget>(QStringLiteral("recentList"));
    QVERIFY(recent->count() >= 1);
    QCOMPARE(recent->item(0)->data(Qt::UserRole).toString(), QFileInfo(m_projectPath).absoluteFilePath());
    recent->setCurrentRow(0);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("openRecentButton")), Qt::LeftButton);
    QTRY_COMPARE(m_window->wizard()->currentId(), step);
    QCOMPARE(m_window->session()->project().counts(), counts);
    // Back still walks the steps before it
    QTest::mouseClick(find<QAbstractButton>(QStringLiteral("backButton")), Qt::LeftButton);
    QCOMPARE(m_window->wizard()->currentId(), step - 1);
}

void tst_Wizard::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(tst_Wizard)
#include "tst_wizard.moc"
