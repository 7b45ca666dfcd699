#pragma once
// On the Target database page: TrackTally's .env (or .env.production) beside the connected database.
// Shows DATABASE_URL and DIRECT_DATABASE_URL (passwords hidden) and what each reaches; a prominent warning,
// in words and with a warning icon (never colour alone), when they disagree with each other or with the
// connection. Only shows an EnvCheckSession.
#include <QGroupBox>

class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;

namespace tt {
class EnvCheckSession;
}

namespace tt::ui {

class EnvCheckBox : public QGroupBox
{
    Q_OBJECT
public:
    EnvCheckBox(EnvCheckSession *check, QWidget *parent = nullptr);
    EnvCheckSession *session() const { return m_check; }

public slots:
    void refresh();

protected:
    // Enter in the path field checks the file (instead of the wizard's Next).
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void choose();

    EnvCheckSession *m_check;
    QLineEdit *m_path;
    QPushButton *m_recheck;
    QLabel *m_details;
    QLabel *m_warningIcon;
    QLabel *m_warning;
    QFrame *m_warningBox;
};

} // namespace tt::ui
