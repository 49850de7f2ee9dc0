"""A demo of the churn model for the sales team, behind Gradio's login, on this machine only."""
import os

import gradio as gr
import onnxruntime as ort

session = ort.InferenceSession("churn.onnx")


def predict(tenure: float, monthly_charges: float) -> float:
    (score,) = session.run(None, {"features": [[tenure, monthly_charges]]})[0]
    return float(score)


demo = gr.Interface(fn=predict, inputs=["number", "number"], outputs="number")
demo.launch(auth=("sales", os.environ["DEMO_PASSWORD"]))
