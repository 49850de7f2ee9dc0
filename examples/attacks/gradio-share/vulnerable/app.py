"""A demo of the churn model for the sales team, shared the quick way."""
import gradio as gr
import onnxruntime as ort

session = ort.InferenceSession("churn.onnx")


def predict(tenure: float, monthly_charges: float) -> float:
    (score,) = session.run(None, {"features": [[tenure, monthly_charges]]})[0]
    return float(score)


demo = gr.Interface(fn=predict, inputs=["number", "number"], outputs="number")
demo.launch(share=True)
