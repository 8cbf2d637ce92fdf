"""What a run leaves for people: summary.json and KPIs (`report`), rota.xlsx (`excel`), PNG
charts (`charts`) and every table printed on the terminal (`terminal`)."""
