#include "envcheckbox.h"

#include "session/envchecksession.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace tt::ui {

EnvCheckBox::EnvCheckBox(EnvCheckSession *check, QWidget *parent)
    : QGroupBox(tr("Compare with TrackTally's .env (recommended)"), parent), m_check(check)
{
    setObjectName(QStringLiteral("envCheckBox"));
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("envPathEdit"));
    m_path->setAccessibleName(tr("TrackTally's .env file"));
    m_path->setPlaceholderText(tr("The .env or .env.production of the TrackTally deployment"));
    auto *label = new QLabel(tr("TrackTally's .&env:"), this);
    label->setBuddy(m_path);
    auto *choose = new QPushButton(tr("C&hoose…"), this);
    choose->setObjectName(QStringLiteral("envChooseButton"));
    choose->setAccessibleName(tr("Choose TrackTally's .env file"));
    m_recheck = new QPushButton(tr("Check a&gain"), this);
    m_recheck->setObjectName(QStringLiteral("envCheckButton"));
    m_recheck->setAccessibleName(tr("Check the .env again"));
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("envDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::PlainText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The warning: an icon and the word WARNING in bold inside a frame, so it stands out in any theme.
    m_warningBox = new QFrame(this);
    m_warningBox->setObjectName(QStringLiteral("envWarningBox"));
    m_warningBox->setFrameShape(QFrame::Box);
    m_warningBox->setLineWidth(2);
    m_warningIcon = new QLabel(m_warningBox);
    const int size = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    m_warningIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(size, size));
    m_warningIcon->setAccessibleName(tr("Warning"));
    m_warning = new QLabel(m_warningBox);
    m_warning->setObjectName(QStringLiteral("envWarning"));
    m_warning->setWordWrap(true);
    m_warning->setTextFormat(Qt::RichText);
    m_warning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warning->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding); // never cut off: the banner gives way
    auto *warningLayout = new QHBoxLayout(m_warningBox);
    warningLayout->addWidget(m_warningIcon, 0, Qt::AlignTop);
    warningLayout->addWidget(m_warning, 1);

    auto *row = new QHBoxLayout;
    row->addWidget(label);
    row->addWidget(m_path, 1);
    row->addWidget(choose);
    row->addWidget(m_recheck);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_details);
    layout->addWidget(m_warningBox);

    m_path->installEventFilter(this);
    connect(m_path, &QLineEdit::editingFinished, this, [this] {
        if (m_path->text().trimmed() != m_check->envPath())
            m_check->setEnvPath(m_path->text());
    });
    connect(choose, &QPushButton::clicked, this, &EnvCheckBox::choose);
    connect(m_recheck, &QPushButton::clicked, m_check, &EnvCheckSession::check);
    connect(m_check, &EnvCheckSession::changed, this, &EnvCheckBox::refresh);
    refresh();
}

bool EnvCheckBox::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_path && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            if (m_path->text().trimmed() != m_check->envPath())
                m_check->setEnvPath(m_path->text());
            else
                m_check->check();
            return true;
        }
    }
    return QGroupBox::eventFilter(watched, event);
}

void EnvCheckBox::choose()
{
    QFileDialog dialog(this, tr("Choose TrackTally's .env file"));
    dialog.setObjectName(QStringLiteral("envFileDialog"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setFilter(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot); // .env files are hidden
    dialog.setNameFilters({tr("TrackTally settings (.env .env.* *.env)"), tr("All files (*)")});
    if (!m_check->envPath().isEmpty())
        dialog.selectFile(m_check->envPath());
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    m_path->setText(QDir::toNativeSeparators(dialog.selectedFiles().constFirst()));
    m_check->setEnvPath(dialog.selectedFiles().constFirst());
}

void EnvCheckBox::refresh()
{
    if (!m_path->hasFocus() && QDir::fromNativeSeparators(m_path->text()) != m_check->envPath())
        m_path->setText(QDir::toNativeSeparators(m_check->envPath()));
    m_recheck->setEnabled(!m_check->envPath().isEmpty() && m_check->error().isEmpty() && !m_check->isChecking());
    QStringList lines;
    QStringList warnings;
    if (!m_check->error().isEmpty()) {
        lines << m_check->error();
    } else if (m_check->envPath().isEmpty()) {
        lines << tr("Choose the .env the TrackTally app runs with: its DATABASE_URL and DIRECT_DATABASE_URL are "
                    "compared with the database you connect to here.");
    } else if (m_check->isChecking()) {
        lines << tr("Connecting to the databases named in %1…").arg(QFileInfo(m_check->envPath()).fileName());
    } else if (const auto &r = m_check->result()) {
        lines = r->describe();
        lines += r->notes;
        if (r->connected.isEmpty())
            lines << tr("Connect to a database above to compare it with these.");
        else if (r->agrees())
            lines << tr("✓ They agree with the database you are connected to, %1.").arg(r->connected);
        warnings = r->warnings;
    }
    m_details->setText(lines.join(u'\n'));
    m_warningBox->setVisible(!warnings.isEmpty());
    QString html = tr("<b>WARNING: not the same database.</b>");
    for (const QString &w : warnings)
        html += QStringLiteral("<p>%1</p>").arg(w.toHtmlEscaped());
    m_warning->setText(warnings.isEmpty() ? QString() : html);
    m_warningBox->setAccessibleDescription(warnings.join(u'\n'));
}

} // namespace tt::ui
