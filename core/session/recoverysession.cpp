#include "recoverysession.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QMutex>
#include <QPointer>
#include <QSettings>
#include <QThread>

namespace tt {

namespace {
constexpr int MaxRecent = 8;
QString recentKey() { return QStringLiteral("recentProjects"); }
} // namespace

// Adapts tt::Progress to queued signals of the session, throttled to ~20 updates a second.
class RecoverySession::WorkerProgress : public Progress
{
public:
    explicit WorkerProgress(RecoverySession *s) : m_session(s) { m_clock.start(); }
    void begin(const QString &phase, qint64 total) override
    {
        {
            QMutexLocker lock(&m_mutex);
            m_phase = phase;
        }
        m_total = total;
        post(0, true);
    }
    void advance(qint64 done) override { post(done, false); }
    bool cancelRequested() const override { return m_cancel.load(); }
    void cancel() { m_cancel.store(true); }

    // The finished job's outcome, handed to the GUI thread.
    std::optional<Project> result;
    std::shared_ptr<const std::vector<IncidentRecord>> accepted; // of result, computed on the worker
    std::function<void()> deliver;
    QString summary;
    QString error;
    bool cancelled = false;
    QString title;

private:
    void post(qint64 done, bool force)
    {
        if (!force && m_clock.elapsed() - m_last < 50)
            return;
        m_last = m_clock.elapsed();
        QString phase;
        {
            QMutexLocker lock(&m_mutex);
            phase = m_phase;
        }
        const qint64 total = m_total;
        QPointer<RecoverySession> s = m_session;
        QMetaObject::invokeMethod(
            m_session, [s, phase, done, total] { if (s) emit s->progress(phase, done, total); }, Qt::QueuedConnection);
    }

    RecoverySession *m_session;
    std::atomic_bool m_cancel{false};
    QMutex m_mutex;
    QString m_phase;
    std::atomic<qint64> m_total{0};
    QElapsedTimer m_clock;
    qint64 m_last = -1000;
};

RecoverySession::RecoverySession(QObject *parent) : QObject(parent)
{
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(1000);
    connect(&m_autosave, &QTimer::timeout, this, [this] { saveInBackground(); });
}

RecoverySession::~RecoverySession()
{
    if (m_thread) {
        cancelTask();
        m_thread->wait();
    }
    if (m_project && !m_busy)
        saveNow();
    m_saveAgain = false;
    finishSave();
}

void RecoverySession::newProject(const QString &path, const SchoolInfo &school)
{
    if (school.name.trimmed().isEmpty())
        throw UserError(tr("Enter the school's name."));
    if (path.trimmed().isEmpty())
        throw UserError(tr("Choose where to save the project file."));
    Project p = Project::create(school);
    p.save(path);
    m_project = std::move(p);
    m_path = QFileInfo(path).absoluteFilePath();
    m_savedGeneration = m_project->generation();
    addRecentProject(m_path);
    m_accepted.reset();
    ++m_recordsGeneration;
    emit projectOpened();
    emit projectChanged();
    emit recordsChanged();
}

void RecoverySession::openProject(const QString &path)
{
    Project p = Project::load(path);
    installProject(std::move(p), path, nullptr);
}

bool RecoverySession::openProjectInBackground(const QString &path)
{
    if (m_busy)
        return false;
    saveNow(); // the project open now, before it is replaced
    struct Loaded
    {
        std::optional<Project> project;
        std::shared_ptr<const std::vector<IncidentRecord>> accepted;
    };
    auto loaded = std::make_shared<Loaded>();
    startWorker(tr("Opening %1").arg(QFileInfo(path).fileName()), [this, loaded, path](WorkerProgress &prog) {
        prog.begin(QCoreApplication::translate("tt::RecoverySession", "Reading %1").arg(QFileInfo(path).fileName()), 0);
        loaded->project.emplace(Project::load(path));
        if (const QString kept = loaded->project->convertedFrom(); !kept.isEmpty())
            prog.summary = QCoreApplication::translate("tt::RecoverySession",
                                                       "%1 was saved by an earlier version of TrackTally Recovery: it "
                                                       "now has the current format. The original file is kept "
                                                       "unchanged as %2.")
                               .arg(QFileInfo(path).fileName(), QFileInfo(kept).fileName());
        // The duplicate check and the accepted list, here rather than on the GUI thread.
        loaded->accepted = std::make_shared<const std::vector<IncidentRecord>>(loaded->project->acceptedRecords());
        prog.deliver = [this, loaded, path] { installProject(std::move(*loaded->project), path, loaded->accepted); };
    });
    return true;
}

void RecoverySession::installProject(Project &&project, const QString &path,
                                     std::shared_ptr<const std::vector<IncidentRecord>> accepted)
{
    m_autosave.stop();
    m_saveAgain = false;
    finishSave(); // a save of the previous project still writing: let it end first
    m_project = std::move(project);
    m_path = QFileInfo(path).absoluteFilePath();
    m_savedGeneration = m_project->generation();
    addRecentProject(m_path);
    m_accepted = std::move(accepted);
    ++m_recordsGeneration;
    emit projectOpened();
    emit projectChanged();
    emit recordsChanged();
}

void RecoverySession::markChanged()
{
    if (!m_project)
        return;
    m_autosave.start();
    emit projectChanged();
}

bool RecoverySession::saveNow()
{
    m_autosave.stop();
    m_saveAgain = false; // this save writes the newest state itself
    finishSave();        // never two writers: an older background save must not land after this one
    if (!m_project || m_busy || m_path.isEmpty())
        return false;
    if (m_project->generation() == m_savedGeneration)
        return true;
    try {
        m_project->save(m_path);
        m_savedGeneration = m_project->generation();
        emit saved(m_path);
        return true;
    } catch (const std::exception &e) {
        emit saveFailed(describeError(e));
        return false;
    }
}

void RecoverySession::saveInBackground()
{
    m_autosave.stop();
    if (!m_project || m_path.isEmpty() || m_project->generation() == m_savedGeneration)
        return;
    if (m_saver) {
        m_saveAgain = true; // one writer at a time; save the newer state when this one is done
        return;
    }
    // A copy shares the records (copy-on-write), so taking it costs nothing here; the worker writes it.
    auto job = std::make_shared<SaveJob>();
    job->snapshot = std::make_shared<const Project>(*m_project);
    job->path = m_path;
    job->generation = m_project->generation();
    m_saveJob = job;
    m_saver.reset(QThread::create([job] {
        try {
            job->snapshot->save(job->path);
        } catch (const std::exception &e) {
            job->error = describeError(e);
        }
    }));
    connect(m_saver.get(), &QThread::finished, this, &RecoverySession::finishSave, Qt::QueuedConnection);
    m_saver->start();
}

bool RecoverySession::isSaving() const
{
    return m_saver != nullptr;
}

void RecoverySession::finishSave()
{
    if (!m_saver)
        return;
    m_saver->wait();
    m_saver.reset();
    auto job = std::move(m_saveJob);
    if (!job->error.isEmpty()) {
        emit saveFailed(job->error);
    } else {
        if (m_project && job->path == m_path)
            m_savedGeneration = job->generation;
        emit saved(job->path);
    }
    if (m_saveAgain) {
        m_saveAgain = false;
        saveInBackground();
    }
}

std::shared_ptr<const std::vector<IncidentRecord>> RecoverySession::accepted()
{
    if (!m_project)
        return std::make_shared<const std::vector<IncidentRecord>>();
    if (!m_accepted)
        m_accepted = std::make_shared<const std::vector<IncidentRecord>>(m_project->acceptedRecords());
    return m_accepted;
}

void RecoverySession::markRecordsChanged()
{
    m_accepted.reset();
    ++m_recordsGeneration;
    markChanged();
    emit recordsChanged();
}

int RecoverySession::savedStep() const
{
    if (!m_project)
        return 0;
    const nlohmann::json *w = std::as_const(*m_project).section("wizard");
    if (!w || !w->is_object())
        return 0;
    return w->value("step", 0);
}

void RecoverySession::setStep(int step, const QString &pageName)
{
    if (!m_project || m_busy || savedStep() == step)
        return;
    nlohmann::json &w = m_project->section("wizard");
    if (!w.is_object())
        w = nlohmann::json::object();
    w["step"] = step;
    w["page"] = pageName.toStdString();
    markChanged();
}

QStringList RecoverySession::recentProjects()
{
    QSettings settings;
    return settings.value(recentKey()).toStringList();
}

void RecoverySession::addRecentProject(const QString &path)
{
    QSettings settings;
    QStringList list = settings.value(recentKey()).toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > MaxRecent)
        list.removeLast();
    settings.setValue(recentKey(), list);
}

bool RecoverySession::runTask(const QString &title, Job job)
{
    if (!m_project || m_busy)
        return false;
    saveInBackground(); // what the task starts from is on disk even if it is interrupted
    // Copy-on-write: the copy shares the records until the job changes them (on the worker).
    auto copy = std::make_shared<Project>(*m_project);
    startWorker(title, [job = std::move(job), copy](WorkerProgress &prog) {
        prog.summary = job(*copy, &prog);
        prog.accepted = std::make_shared<const std::vector<IncidentRecord>>(copy->acceptedRecords());
        prog.result = std::move(*copy);
    });
    return true;
}

bool RecoverySession::runReadTask(const QString &title, ReadJob job)
{
    if (!m_project || m_busy)
        return false;
    const Project *project = &*m_project; // not modified while busy
    startWorker(title, [job = std::move(job), project](WorkerProgress &prog) { prog.deliver = job(*project, &prog); });
    return true;
}

void RecoverySession::startWorker(const QString &title, std::function<void(WorkerProgress &)> body)
{
    auto prog = std::make_shared<WorkerProgress>(this);
    prog->title = title;
    m_progress = prog;
    m_thread.reset(QThread::create([prog, body = std::move(body)]() {
        try {
            body(*prog);
        } catch (const Cancelled &) {
            prog->cancelled = true;
        } catch (const std::exception &e) {
            prog->error = describeError(e);
        }
    }));
    connect(m_thread.get(), &QThread::finished, this, &RecoverySession::finishTask, Qt::QueuedConnection);
    setBusy(true);
    m_thread->start();
}

void RecoverySession::finishTask()
{
    if (!m_thread)
        return;
    m_thread->wait();
    m_thread.reset();
    auto prog = std::move(m_progress);
    setBusy(false);
    if (prog->cancelled) {
        emit taskFailed(prog->title, tr("%1 was cancelled. Nothing was changed.").arg(prog->title));
        return;
    }
    if (!prog->error.isEmpty()) {
        emit taskFailed(prog->title, prog->error);
        return;
    }
    if (prog->result) {
        // The job's own changes moved the copy's generation on, so autosave sees them; the duplicate check
        // and the accepted list were computed on the worker and stay valid.
        *m_project = std::move(*prog->result);
        m_accepted = std::move(prog->accepted);
        ++m_recordsGeneration;
        markChanged();
        emit recordsChanged();
    }
    if (prog->deliver)
        prog->deliver();
    emit taskFinished(prog->title, prog->summary);
}

void RecoverySession::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

void RecoverySession::cancelTask()
{
    if (m_progress)
        m_progress->cancel();
}

void RecoverySession::waitForIdle()
{
    while (m_busy) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
}

QString describeError(const std::exception &e)
{
    if (const auto *u = dynamic_cast<const UserError *>(&e))
        return u->message();
    return QCoreApplication::translate("tt::RecoverySession",
                                       "Something unexpected went wrong (%1). Your project was not changed; "
                                       "try again, and if it happens again, keep the project file and report it.")
        .arg(QString::fromLocal8Bit(e.what()));
}

} // namespace tt
