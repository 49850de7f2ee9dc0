"""The evaluation explorer: every run's metrics and the prompts the model got wrong."""

import pandas as pd
import streamlit as st

st.title("Evaluation explorer")
results = pd.read_parquet("results/latest.parquet")
run = st.selectbox("Run", sorted(results["run"].unique()))
st.dataframe(results[results["run"] == run])
