#pragma once
// The state behind the desktop wizard: the open project, where it is saved, autosave, the wizard step,
// and a worker that runs long work (reading files, rebuilding the roster) off the GUI thread.
// QtCore only: the pages bind to it, tests drive it without a screen.
#include "common/progress.h"
#include "project/project.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace tt {

class RecoverySession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool hasProject READ hasProject NOTIFY projectOpened)
    Q_PROPERTY(QString projectPath READ projectPath NOTIFY projectOpened)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    explicit RecoverySession(QObject *parent = nullptr);
    ~RecoverySession() override;

    // Creates a new project and saves it to path at once. Throws ProjectError/UserError.
    void newProject(const QString &path, const SchoolInfo &school);
    // Opens a project file. Throws ProjectError.
    void openProject(const QString &path);
    // Opens it on the worker (a million records take seconds): projectOpened when done, else taskFailed.
    // False when busy.
    bool openProjectInBackground(const QString &path);
    bool hasProject() const { return m_project.has_value(); }
    QString projectPath() const { return m_path; }

    // The project, read-only: pages and models read it; only the step sessions (core/session) change it,
    // through editableProject() (script/check-layers refuses editableProject() outside core/session and tests).
    // Only touch the project from the GUI thread, and not while busy().
    const Project &project() const { return *m_project; }
    Project &editableProject() { return *m_project; }

    // Call after every change to the project: schedules an autosave (debounced) and tells the pages.
    void markChanged();
    // Saves now when something changed since the last save. Returns false (and reports saveFailed) on error.
    bool saveNow();
    // Saves a snapshot on a worker thread (autosave does this); saved/saveFailed when done. The snapshot and the
    // live project share what is on disk (Project::save), so each save writes only what changed since the last
    // one, whichever of them wrote it: one decision at 262,144 records takes milliseconds.
    void saveInBackground();
    bool isSaving() const;
    int autosaveDelayMs() const { return m_autosave.interval(); }
    void setAutosaveDelayMs(int ms) { m_autosave.setInterval(ms); }
    quint64 savedGeneration() const { return m_savedGeneration; }

    // The accepted records (duplicates resolved), shared with views; recomputed after records change.
    std::shared_ptr<const std::vector<IncidentRecord>> accepted();
    // Call after changing records, the quarantine or duplicate choices (on the GUI thread).
    void markRecordsChanged();
    quint64 recordsGeneration() const { return m_recordsGeneration; }

    // The wizard step kept in the project's "wizard" section.
    int savedStep() const;
    void setStep(int step, const QString &pageName);

    // Recent projects (QSettings), newest first.
    static QStringList recentProjects();
    static void addRecentProject(const QString &path);

    // Long work. The job gets a copy of the project and a Progress; when it returns, the copy replaces the
    // project (unless it threw: then nothing changed and taskFailed reports why). One task at a time.
    using Job = std::function<QString(Project &, Progress *)>; // returns a summary for the status line
    bool runTask(const QString &title, Job job);
    // Read-only long work on a snapshot; the result is delivered on the GUI thread.
    using ReadJob = std::function<std::function<void()>(const Project &, Progress *)>;
    bool runReadTask(const QString &title, ReadJob job);
    bool isBusy() const { return m_busy; }
    void cancelTask();
    // Blocks (processing events) until the current task has finished; for tests and shutdown.
    void waitForIdle();

signals:
    void projectOpened();       // a project was created or opened: every view resets
    void projectChanged();      // something in the project changed (after markChanged or a task)
    void recordsChanged();      // records, quarantine or duplicate choices changed
    void busyChanged(bool busy);
    void progress(const QString &phase, qint64 done, qint64 total);
    void taskFinished(const QString &title, const QString &summary);
    void taskFailed(const QString &title, const QString &message);
    void saved(const QString &path);
    void saveFailed(const QString &message);

private:
    class WorkerProgress;
    struct SaveJob
    {
        std::shared_ptr<const Project> snapshot;
        QString path;
        quint64 generation = 0;
        QString error;
    };
    void startWorker(const QString &title, std::function<void(WorkerProgress &)> body);
    void installProject(Project &&project, const QString &path,
                        std::shared_ptr<const std::vector<IncidentRecord>> accepted);
    void finishSave();
    void finishTask();
    void setBusy(bool busy);

    std::optional<Project> m_project;
    QString m_path;
    QTimer m_autosave;
    quint64 m_savedGeneration = 0;
    bool m_busy = false;
    std::shared_ptr<const std::vector<IncidentRecord>> m_accepted;
    quint64 m_recordsGeneration = 1;
    std::shared_ptr<WorkerProgress> m_progress;
    std::unique_ptr<class QThread> m_thread;
    std::unique_ptr<class QThread> m_saver; // the background save in progress
    std::shared_ptr<SaveJob> m_saveJob;
    bool m_saveAgain = false;
};

// The message to show for an exception a task or action threw (what happened and what to do).
QString describeError(const std::exception &e);

} // namespace tt
