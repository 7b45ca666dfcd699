#include "mainwindow.h"
#include "theme.h"

#include "pages/projectpage.h"
#include "pages/wizardpage.h"
#include "pages/rosterpage.h"
#include "recoverywizard.h"
#include "rosterundo.h"
#include "session/databasesession.h"
#include "session/incidentssession.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QStyle>
#include <QUndoStack>

namespace tt::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TrackTally Recovery"));
    m_session = new RecoverySession(this);
    m_sources = new SourcesSession(m_session, this);
    m_filter = new IncidentsSession(this);
    m_roster = new RosterSession(m_session, this);
    m_database = new DatabaseSession(m_session, m_roster, this);
    m_wizard = new RecoveryWizard(m_session, m_sources, m_filter, m_roster, m_database, this);
    m_wizard->setWindowFlags(Qt::Widget);

    // Edit menu: undo/redo of the roster edits (Teachers, Classrooms, Students).
    m_undo = createRosterUndoStack(m_session, m_roster, this);
    // Own actions rather than createUndoAction(): they must also stay disabled while a task runs, because a
    // task works on a copy of the project that replaces it when done.
    auto *undo = new QAction(tr("&Undo"), this);
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcut(QKeySequence::Undo);
    auto *redo = new QAction(tr("&Redo"), this);
    redo->setObjectName(QStringLiteral("redoAction"));
    redo->setShortcut(QKeySequence::Redo);
    auto updateUndo = [this, undo, redo] {
        const bool idle = !m_session->isBusy();
        undo->setEnabled(idle && m_undo->canUndo());
        redo->setEnabled(idle && m_undo->canRedo());
        undo->setText(m_undo->canUndo() ? tr("&Undo %1").arg(m_undo->undoText()) : tr("&Undo"));
        redo->setText(m_undo->canRedo() ? tr("&Redo %1").arg(m_undo->redoText()) : tr("&Redo"));
        undo->setToolTip(undo->text().remove(u'&'));
        redo->setToolTip(redo->text().remove(u'&'));
    };
    connect(undo, &QAction::triggered, m_undo, &QUndoStack::undo);
    connect(redo, &QAction::triggered, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::indexChanged, this, updateUndo);
    connect(m_undo, &QUndoStack::cleanChanged, this, updateUndo);
    connect(m_session, &RecoverySession::busyChanged, this, updateUndo);
    updateUndo();
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undo);
    edit->addAction(redo);
    for (int i = 0; i < RecoveryWizard::StepCount; ++i)
        if (auto *page = qobject_cast<RosterPage *>(m_wizard->stepPage(i)))
            page->setUndoActions(undo, redo);

    m_steps = new QListWidget(this);
    m_steps->setObjectName(QStringLiteral("stepList"));
    m_steps->setAccessibleName(tr("Steps"));
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFixedWidth(250);
    m_steps->setWordWrap(true);
    m_steps->setStyleSheet(QStringLiteral("QListWidget { background: palette(alternate-base); color: palette(text); border: none; padding: 6px; } "
                                          "QListWidget::item { padding: 5px; }"));
    for (int i = 0; i < RecoveryWizard::StepCount; ++i)
        new QListWidgetItem(m_steps);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_steps);
    layout->addWidget(m_wizard, 1);
    setCentralWidget(central);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("statusMessage"));
    m_message->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("taskProgress"));
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setMaximumWidth(260);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelTaskButton"));
    m_cancel->hide();
    statusBar()->addWidget(m_message, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    connect(m_cancel, &QPushButton::clicked, m_session, &RecoverySession::cancelTask);
    connect(m_session, &RecoverySession::busyChanged, this, [this](bool busy) {
        m_progress->setVisible(busy);
        m_cancel->setVisible(busy);
        m_progress->setRange(0, 0);
        for (int i = 0; i < RecoveryWizard::StepCount; ++i)
            m_wizard->stepPage(i)->setEnabled(!busy);
        if (busy)
            m_cancel->setFocus();
        else if (m_wizard->currentPage())
            m_wizard->currentPage()->setFocus();
    });
    connect(m_session, &RecoverySession::progress, this, [this](const QString &phase, qint64 done, qint64 total) {
        m_message->setText(phase);
        if (total > 0) {
            const int scale = total > 1000000000 ? 1000 : 1;
            m_progress->setRange(0, int(total / scale));
            m_progress->setValue(int(qMin(done, total) / scale));
        } else {
            m_progress->setRange(0, 0);
        }
    });
    connect(m_session, &RecoverySession::taskFinished, this, [this](const QString &, const QString &summary) {
        showMessage(summary.isEmpty() ? tr("Done.") : summary);
    });
    connect(m_session, &RecoverySession::taskFailed, this, [this](const QString &, const QString &message) { showMessage(message, true); });
    connect(m_session, &RecoverySession::saved, this, [this](const QString &path) {
        if (!m_session->isBusy() && m_message->property("error").toBool() == false && m_message->text().isEmpty())
            m_message->setText(tr("Saved to %1").arg(QFileInfo(path).fileName()));
        setWindowModified(false);
    });
    connect(m_session, &RecoverySession::saveFailed, this, [this](const QString &message) { showMessage(message, true); });
    connect(m_session, &RecoverySession::taskFailed, this, [this] { m_jumpAfterOpen = false; });
    connect(m_session, &RecoverySession::projectOpened, this, [this] {
        if (m_jumpAfterOpen) {
            m_jumpAfterOpen = false;
            m_wizard->jumpTo(qMax(1, m_session->savedStep()));
        }
        // The school and the file, so two open projects (or a copy) are told apart; [*] marks unsaved changes.
        const QString school = m_session->project().school().name;
        const QString file = QFileInfo(m_session->projectPath()).fileName();
        setWindowTitle(school.isEmpty() ? tr("%1[*] — TrackTally Recovery").arg(file)
                                        : tr("%1 (%2)[*] — TrackTally Recovery").arg(school, file));
    });
    connect(m_wizard, &RecoveryWizard::stepsChanged, this, &MainWindow::updateSteps);
    connect(m_wizard, &QWizard::finished, this, &QWidget::close);
    updateSteps();
    resize(1280, 800);
}

MainWindow::~MainWindow()
{
    m_session->waitForIdle();
    m_session->saveNow();
}

bool MainWindow::openProject(const QString &path)
{
    if (!m_session->openProjectInBackground(path))
        return false;
    m_jumpAfterOpen = true;
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_session->isBusy()) {
        m_session->cancelTask();
        m_session->waitForIdle();
    }
    m_session->saveNow();
    event->accept();
}

void MainWindow::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    theme::setProblem(m_message, error);
}

void MainWindow::updateSteps()
{
    const int current = m_wizard->currentId();
    const QList<int> visited = m_wizard->visitedIds();
    // Protect a database is one page: the recovery's steps are not shown meanwhile.
    const auto *first = qobject_cast<const ProjectPage *>(m_wizard->stepPage(RecoveryWizard::ProjectStep));
    const bool protect = current == RecoveryWizard::ProjectStep && first && first->isProtectMode();
    for (int i = 0; i < RecoveryWizard::StepCount; ++i) {
        WizardPage *page = m_wizard->stepPage(i);
        QListWidgetItem *item = m_steps->item(i);
        item->setHidden(protect && i != RecoveryWizard::ProjectStep);
        const QString attention = m_session->hasProject() ? page->attention() : QString();
        QString state;
        QStyle::StandardPixmap icon = QStyle::SP_CustomBase;
        QFont f = m_steps->font();
        if (i == current) {
            state = tr("current");
            icon = QStyle::SP_ArrowRight;
            f.setBold(true);
        } else if (!attention.isEmpty() && visited.contains(i)) {
            state = tr("needs attention");
            icon = QStyle::SP_MessageBoxWarning;
        } else if (visited.contains(i) && page->isDone()) {
            state = tr("done");
            icon = QStyle::SP_DialogApplyButton;
        }
        QString text = protect ? m_wizard->stepTitle(i) : tr("%1. %2").arg(i + 1).arg(m_wizard->stepTitle(i));
        if (!attention.isEmpty() && (visited.contains(i) || i == current))
            text += QStringLiteral("\n    ") + attention;
        item->setText(text);
        item->setFont(f);
        item->setIcon(icon == QStyle::SP_CustomBase ? QIcon() : style()->standardIcon(icon));
        item->setData(Qt::AccessibleTextRole, state.isEmpty() ? text : tr("%1 (%2)").arg(text, state));
        item->setData(Qt::UserRole, state);
    }
}

} // namespace tt::ui
