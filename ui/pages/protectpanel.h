#pragma once
// "Protect a database" on the first page: the database, a folder for backups and reports, and three jobs
// (restore drill, migration rehearsal, roster snapshot), each with progress, cancel and a pass/fail result.
// The work and its state live in tt::ProtectSession (core/session); this panel only binds to it.
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace tt {
class ProtectSession;
}

namespace tt::ui {

class ProtectPanel : public QWidget
{
    Q_OBJECT
public:
    ProtectPanel(ProtectSession *session, QWidget *parent = nullptr);
    ProtectSession *session() const { return m_session; }
    // Takes the database (and the school's domain) from TrackTally's .env ("Read TrackTally's .env…").
    void readEnv(const QString &path);

private:
    QWidget *buildDatabaseBox();
    QWidget *buildJobsBox();
    QWidget *buildResultBox();
    void run(int job);
    void showBusy(bool busy);
    void showOutcome();

    ProtectSession *m_session;
    QLineEdit *m_connection = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_envNote = nullptr;
    QLineEdit *m_folder = nullptr;
    QLineEdit *m_migration = nullptr;
    QLineEdit *m_domain = nullptr;
    QPushButton *m_drill = nullptr;
    QPushButton *m_preflight = nullptr;
    QPushButton *m_snapshot = nullptr;
    QLabel *m_phase = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_verdict = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QLabel *m_report = nullptr;
};

} // namespace tt::ui
