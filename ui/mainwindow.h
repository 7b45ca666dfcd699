#pragma once
// The application window: the step list, the wizard, and a status bar with progress and cancel.
#include <QMainWindow>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QUndoStack;

namespace tt {
class DatabaseSession;
class IncidentsSession;
class RecoverySession;
class RosterSession;
class SourcesSession;
}

namespace tt::ui {

class RecoveryWizard;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a project file on the worker and then goes to the step it was left at; a failure is shown in the
    // status bar. Returns false when busy.
    bool openProject(const QString &path);

    RecoverySession *session() const { return m_session; }
    RosterSession *roster() const { return m_roster; }
    SourcesSession *sources() const { return m_sources; }
    IncidentsSession *filter() const { return m_filter; }
    DatabaseSession *database() const { return m_database; }
    RecoveryWizard *wizard() const { return m_wizard; }
    QUndoStack *rosterUndoStack() const { return m_undo; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void updateSteps();
    void showMessage(const QString &text, bool error = false);

    RecoverySession *m_session;
    SourcesSession *m_sources;
    IncidentsSession *m_filter;
    RosterSession *m_roster;
    DatabaseSession *m_database;
    RecoveryWizard *m_wizard;
    QListWidget *m_steps;
    QLabel *m_message;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QUndoStack *m_undo;
    bool m_jumpAfterOpen = false;
};

} // namespace tt::ui
