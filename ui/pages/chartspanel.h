#pragma once
// Logs per week, per category and per class, for what the filter currently matches (Qt Charts when built with it).
#include <QWidget>
#include <memory>

namespace tt {
struct IncidentStats;
}

namespace tt::ui {

class ChartsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget *parent = nullptr);
    ~ChartsPanel() override;
    void setStats(const IncidentStats &stats);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace tt::ui
