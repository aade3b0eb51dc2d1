# ruff: noqa  (a one-off generator of the draft notebook, not part of the package)
"""Builds notebooks/06_arquitecturas_profundas.ipynb (c-nb06's second pass)."""
import sys
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OLD = nbformat.read(sys.argv[2] if len(sys.argv) > 2 else "/tmp/c-nb06-old.ipynb", 4)
cells = []


def md(text):
    cells.append(new_markdown_cell(text.strip("\n")))
    return cells[-1]


def code(text, **meta):
    c = new_code_cell(text.strip("\n"))
    c.metadata.update(meta)
    cells.append(c)
    return c


md(r"""
# 06 · Arquitecturas profundas: de AlexNet a DenseNet

Tres de las cuatro clases del curso terminan con las arquitecturas que hicieron funcionar a las
redes convolucionales: **AlexNet**, **ZF Net**, **VGG**, **GoogLeNet** y su módulo *inception*,
**ResNet** y su bloque residual, y **DenseNet** y su bloque denso, junto con los años del reto
ImageNet que las ordenaron. En este cuaderno construimos cada una con `cnnkit` a su tamaño
original, contamos sus parámetros y sus operaciones, **dibujamos sus bloques a partir de las
capas construidas** y comprobamos con números lo que las diapositivas dicen de cada una. Después
medimos, en pequeño, dos cosas: el **problema de la degradación** que motivó ResNet (una red
plana más profunda entrena peor) y cuánto acierta un miembro pequeño de cada familia con
Fashion-MNIST, con el mismo tiempo y con las mismas épocas.

Los experimentos se ejecutan aquí con **una semilla** (y las familias, con presupuestos más
cortos) y se comparan con una ejecución **guardada** de tres semillas que viene con `cnnkit`
(`cnnkit.experiments.results_path`); el cuaderno dice en cada tabla cuál es cuál.

**Objetivos**

- Situar cada arquitectura en la historia del reto ILSVRC con una regla clara: el ganador de
  cada año, 2010-2017, con su error top-5 y su fuente.
- Construir AlexNet, ZF Net, VGG, GoogLeNet, ResNet y DenseNet y medir sus capas con pesos,
  parámetros, multiplicaciones-sumas y la parte de los parámetros en capas densas; explicar
  cada diferencia con la cifra de su artículo.
- Ver la idea de cada arquitectura: las aportaciones de AlexNet (y su reparto en dos GPU), la
  tabla A-E de VGG y las pilas de 3x3, el módulo *inception* y sus reducciones 1x1, el
  *pooling* promedio global, el bloque residual básico y el cuello de botella, la
  normalización por lotes y el bloque denso.
- Medir la degradación (error de entrenamiento de redes planas y residuales de 20 y 44 capas)
  y el gradiente que llega a cada capa, con varias semillas y su dispersión.
- Comparar familias con el mismo tiempo de entrenamiento y con las mismas épocas, y ver que
  las dos preguntas tienen respuestas distintas.

**Duración**: la ejecución completa tarda unos 23,6 minutos en una máquina de 2 núcleos (lo
imprime la última celda de código antes del resumen); en modo corto (`CNNKIT_QUICK=1`), unos
segundos.
""")

code(r'''
# NBVAL_IGNORE_OUTPUT
# Preparación: cnnkit (que carga Keras sin mensajes de arranque), semilla e idioma.
try:
    import cnnkit
except ModuleNotFoundError:
    raise ModuleNotFoundError(
        "Este cuaderno necesita el paquete cnnkit, que no está instalado en este entorno. "
        "Instálalo en una celda con  %pip install cnnkit  (o con el archivo .whl que te dé tu "
        "profesor:  %pip install cnnkit-0.1.0-py3-none-any.whl ), reinicia el núcleo y vuelve a "
        "ejecutar el cuaderno."
    ) from None
cnnkit.setup(seed=0, language="es")
''')

code(r'''
import time
INICIO = time.perf_counter()  # extra: para medir cuánto tarda el cuaderno entero
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import keras
from scipy import stats as st
from cnnkit import data, stats
from cnnkit.architecture_tables import stack_comparison, vgg_table
from cnnkit.experiments import degradation, families, gradients, read_rows
from cnnkit.models import (alexnet, zfnet, vgg, googlenet, inception_block, resnet,
                           residual_block, densenet, dense_block)
from cnnkit.viz.diagrams import draw_block
numero, porcentaje = cnnkit.format_number, cnnkit.format_percent
pd.set_option("display.max_colwidth", 100)  # extra: las fuentes, sin recortar
''')

md(r"""
## 1. ImageNet y el reto ILSVRC

La clase 002 presenta **ImageNet**: una base de datos de imágenes a gran escala, con millones
de imágenes anotadas y organizadas según la jerarquía de **WordNet**. De 2010 a 2017 se
celebró el **ImageNet Large Scale Visual Recognition Challenge (ILSVRC)**: en su tarea de
clasificación hay que asignar a cada imagen una de 1000 clases, con 1,2 millones de imágenes
de entrenamiento, y los participantes se ordenan por el **error top-5**: la fracción de
imágenes de test cuya clase correcta no está entre las cinco que la red considera más
probables.

**La regla de la tabla.** Una fila por año con el **equipo ganador de la tarea de
clasificación** y el error top-5 de su mejor entrada, cada cifra con la fuente en la que la
hemos comprobado y con los decimales que da esa fuente: la página de resultados de los
organizadores (2012, con cinco decimales), el artículo del propio ganador (2015 y 2017) o, donde
no tenemos ninguna de las dos, una recopilación posterior, que la tabla nombra (sus cifras son
de segunda mano y algunas están redondeadas). Aparte, marcadas como «no ganadora», tres
entradas que ayudan a leer la historia: ISI, el segundo puesto de 2012 (el mejor sin redes
convolucionales ese año, en la misma página de los organizadores), VGG (segundo puesto de
2014) y ZF Net (la red del artículo de Zeiler y Fergus, con el error que da su artículo; la
entrada ganadora de 2013, Clarifai, era de Zeiler, pero es otra combinación de redes). La línea
del tiempo de la clase 001 marca «2011 NEC-UIUC»: NEC-UIUC ganó la edición de **2010** (su
artículo es de 2011); la de 2011 la ganó XRCE. **DenseNet** no participó: fue un artículo del
congreso CVPR de 2017; la última edición la ganó SENet.
""")

code(r'''
# (año, equipo, puesto, entrada, error top-5, decimales de la fuente en %, fuente)
ORGANIZADORES_2012 = "image-net.org/challenges/LSVRC/2012/results.html (organizadores)"
RECOPILACION = "recopilación de los ganadores de ILSVRC, cnblogs.com/vincent1997 (2019), de segunda mano"
ILSVRC = pd.DataFrame(
    [(2010, "NEC-UIUC", "ganador", "SIFT y LBP + SVM lineales", 0.28, 0,
      "clarifai.com, de segunda mano: «28 %», redondeado"),
     (2011, "XRCE", "ganador", "vectores de Fisher + SVM lineales", 0.26, 0,
      "clarifai.com, de segunda mano: «26 %», redondeado"),
     (2012, "SuperVision (AlexNet)", "ganador", "CNN, con datos extra de ImageNet (otoño de 2011)",
      0.15315, 3, ORGANIZADORES_2012),
     (2012, "ISI", "no ganadora (2.º puesto)", "vectores de Fisher + SVM (sin CNN)", 0.26172, 3,
      ORGANIZADORES_2012),
     (2013, "Clarifai", "ganador", "varias CNN (estilo ZF Net)", 0.1174, 2, RECOPILACION),
     (2013, "ZF Net (artículo)", "no ganadora", "6 CNN, según su artículo", 0.148, 1,
      RECOPILACION + ", que cita el artículo de Zeiler y Fergus"),
     (2014, "GoogLeNet", "ganador", "7 CNN de 22 capas", 0.0667, 2, RECOPILACION),
     (2014, "VGG", "no ganadora (2.º puesto)", "7 CNN de 16 y 19 capas", 0.0732, 2, RECOPILACION),
     (2015, "MSRA (ResNet)", "ganador", "CNN residuales, hasta 152 capas", 0.0357, 2,
      "He et al. (2016), resumen: 3,57 % y primer puesto"),
     (2016, "Trimps-Soushen", "ganador", "combinación de Inception, ResNet y otras", 0.0299, 2,
      RECOPILACION),
     (2017, "WMW (SENet)", "ganador", "CNN con bloques SE", 0.02251, 3,
      "Hu et al. (2018), resumen: 2,251 % y primer puesto")],
    columns=["año", "equipo (red)", "puesto", "entrada", "error top-5", "decimales", "fuente"])
# las mismas cifras, con los decimales de su fuente, en la tabla y en la figura
ILSVRC["texto"] = [porcentaje(e, d) for e, d in zip(ILSVRC["error top-5"], ILSVRC["decimales"], strict=True)]
ILSVRC.drop(columns=["error top-5", "decimales", "fuente"]).rename(columns={"texto": "error top-5"})
''')

code(r'''
# de dónde sale cada cifra
ILSVRC[["año", "equipo (red)", "fuente"]]
''')

code(r'''
# extra: la figura (gris: sin redes convolucionales; rayado: no ganadora)
fig, ax = plt.subplots(figsize=(10, 4.2), layout="constrained")
etiquetas = [f"{a}\n{e.split(' (')[0]}" for a, e in zip(ILSVRC["año"], ILSVRC["equipo (red)"], strict=True)]
colores = ["tab:gray" if a < 2012 or e == "ISI" else "tab:blue"
           for a, e in zip(ILSVRC["año"], ILSVRC["equipo (red)"], strict=True)]
barras = ax.bar(etiquetas, 100 * ILSVRC["error top-5"], color=colores,
                hatch=["//" if p != "ganador" else "" for p in ILSVRC["puesto"]], edgecolor="white")
ax.bar_label(barras, labels=ILSVRC["texto"], fontsize=8)
ax.set_ylabel("error top-5 en test (%)")
ax.set_title("ILSVRC, clasificación: ganadores 2010-2017 (rayadas: no ganadoras)")
ax.tick_params(axis="x", labelsize=7)
ax.set_ylim(0, 32)
plt.show()
''')

code(r'''
ganador_2012, isi_2012 = (ILSVRC.loc[ILSVRC["equipo (red)"] == e, "error top-5"].item()
                          for e in ("SuperVision (AlexNet)", "ISI"))
print(f"2012, misma página de resultados: SuperVision {porcentaje(ganador_2012, 3)} e ISI (sin CNN) "
      f"{porcentaje(isi_2012, 3)}: {numero(100 * (isi_2012 - ganador_2012), 2)} puntos menos.")
ultimo = ILSVRC.query("año == 2017")["error top-5"].item()
print(f"De 2012 a 2017 (SENet, {porcentaje(ultimo, 3)}) el error del ganador se divide por "
      f"{numero(ganador_2012 / ultimo, 1)}.")
''')

md(r"""
En 2012 la primera red convolucional que ganó el reto quedó más de diez puntos por debajo del
segundo puesto, que no usaba redes convolucionales; desde entonces todos los ganadores las
usan, cada vez más profundas. Veamos qué cambió en esas redes.

## 2. Las arquitecturas, a su tamaño original

Construimos cada red con su constructor de `cnnkit.models`, con la entrada de su artículo
(227x227x3 para AlexNet, 224x224x3 para las demás) y 1000 clases. Para cada una medimos con
`cnnkit.stats`:

- **capas con pesos**: las convoluciones y capas densas (las normalizaciones por lotes no
  cuentan, como en los artículos);
- **parámetros entrenables**, junto a la cifra que da el artículo cuando la da;
- **multiplicaciones-sumas** para clasificar una imagen (el coste de la inferencia);
- la **parte de los parámetros en capas densas**;
- y tres recuentos que traducen las frases de la clase 000 a números: cuántos **tamaños de
  filtro** distintos usa, cuántas **concatenaciones** (bloques *inception* y densos) y cuántas
  **sumas** (conexiones residuales) tiene.

Para contar no hacen falta los valores de los pesos, solo sus formas. Por eso construimos las
redes dentro de `keras.StatelessScope(initialize_variables=False)`: Keras crea cada capa y sus
pesos con su forma, pero no sortea sus valores iniciales, que es lo que más tarda (VGG16 tiene
138 millones). Las capas, los recuentos y las operaciones son los mismos; estas redes no se
pueden entrenar ni evaluar, ni hace falta.
""")

code(OLD.cells[6].source.replace(
    """grandes = {}
filas = []
for nombre, construir in ARQUITECTURAS.items():
    modelo = construir()""", """def sin_pesos():
    # construir sin sortear los pesos iniciales: las formas bastan para contar
    return keras.StatelessScope(initialize_variables=False)


grandes = {}
filas = []
for nombre, construir in ARQUITECTURAS.items():
    with sin_pesos():
        modelo = construir()""").replace('''    "GoogLeNet": (5e6, 1.5e9, "parámetros: Szegedy et al. (2016), apartado 1; "
                              "operaciones: Szegedy et al. (2015), apartado 1"),''', '''    "GoogLeNet": (5e6, 1.5e9, "parámetros: Szegedy et al. (2016), apartado 1 (cifra redonda); "
                              "operaciones: Szegedy et al. (2015), apartado 1"),''').replace(
    '''    if nombre in ("AlexNet", "ResNet-50"):
        grandes[nombre] = modelo  # las usamos más abajo''', '''    if nombre in ("GoogLeNet", "ResNet-50"):
        grandes[nombre] = modelo  # las usamos más abajo'''))
code(OLD.cells[7].source)
code(r'''
# las fuentes de la columna «artículo»
tabla[["fuente"]]
''')
code(OLD.cells[9].source)

md(r"""
Las frases de la clase 000, con números (todos de la tabla):

- **AlexNet, «muchos parámetros»**: casi todos están en sus tres capas densas (la columna «en
  capas densas»). Sus 62,38 millones no son los «60 millones» del artículo: la diferencia es el
  reparto en dos GPU, que se explica en el apartado 3.
- **ZF Net** (clase 002: filtro de 11 a 7 y *stride* de 4 a 2 en la primera capa) tiene casi
  los mismos parámetros que AlexNet y algo más de operaciones: su primera capa produce mapas
  más grandes.
- **VGG, «muchos parámetros» y «fácil de implementar»**: es la red con más parámetros, y
  otra vez la mayoría en las capas densas; pero usa **un solo tamaño de filtro** (3x3), sin
  concatenaciones ni sumas: es una pila de la misma capa repetida (apartado 4).
- **GoogLeNet, «bloques *inception*»**: nueve concatenaciones de ramas con filtros de 1x1, 3x3
  y 5x5, muchos menos parámetros que AlexNet y VGG. Sus 7,00 millones no son los «5 millones»
  de la columna del artículo: el apartado 5 los cuenta módulo a módulo contra la tabla del
  artículo original.
- **ResNet, «conexiones residuales»**: una suma por bloque residual. Las operaciones que
  medimos redondean a las de la tabla 1 del artículo (3,66 y 3,86 miles de millones frente a
  3,6 y 3,8).
- **DenseNet**: una concatenación por capa de sus bloques densos.
- **La parte en capas densas** cae de más del 90 % (AlexNet, ZF Net, VGG) a un 2,4 % en
  ResNet-34: el apartado 5 explica por qué (*pooling* promedio global).

Las capas con pesos de GoogLeNet y ResNet no son el número de su nombre: el artículo de
GoogLeNet cuenta 22 capas por el camino más largo (las ramas de un módulo van en paralelo) y
el de ResNet no cuenta las proyecciones 1x1 de los atajos.

## 3. AlexNet: lo que aportó

El artículo de AlexNet (Krizhevsky, Sutskever y Hinton, 2012) reúne varias ideas que después
usaron casi todas las redes:

- **ReLU** en lugar de tanh o sigmoide: no se satura para valores positivos, y la red entrena
  varias veces más deprisa (su figura 1).
- **Dropout** (probabilidad 0,5) en las dos primeras capas densas, contra el sobreajuste de sus
  decenas de millones de parámetros (clase 000: «ReLU y dropout contra el sobreajuste»).
- **Aumento de datos**: recortes aleatorios de 224x224 (la red recibe 227x227 en la
  implementación habitual), volteo horizontal y cambios de color.
- ***Pooling* solapado**: ventanas de 3x3 con *stride* 2, que se solapan un píxel.
- **Normalización local de la respuesta** (LRN) tras las dos primeras convoluciones, que más
  tarde se abandonó (VGG no encontró mejora con ella: su configuración A-LRN).
- **Dos GPU**: la red no cabía en una GPU de 3 GB, así que cada capa se reparte en dos mitades,
  una por GPU, y las capas 2, 4 y 5 solo ven los mapas de su propia mitad. En Keras eso es
  `groups=2` en esas convoluciones, que `alexnet(groups=2)` reproduce.

La clase 000 la resume como «cinco convolucionales, 2 *pooling* y tres densas». Sus capas, en
español con `cnnkit.summary`:
""")

code(r'''
with sin_pesos():
    red_alexnet = alexnet()
cnnkit.summary(red_alexnet)
''')

code(r'''
with sin_pesos():
    dos_gpu = alexnet(groups=2)
capas = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "predictions"]
pd.DataFrame({"una sola red": [numero(red_alexnet.get_layer(c).count_params()) for c in capas],
              "dos GPU (groups=2)": [numero(dos_gpu.get_layer(c).count_params()) for c in capas],
              "grupos": [dos_gpu.get_layer(c).groups if c.startswith("conv") else "—" for c in capas]},
             index=pd.Index(capas, name="capa"))
''')

code(r'''
print("parámetros, una sola red:", numero(red_alexnet.count_params()))
print("parámetros, dos GPU (groups=2):", numero(dos_gpu.count_params()))
fc6 = red_alexnet.get_layer("fc6")
print(f"fc6: {numero(fc6.input.shape[-1])} entradas (6 x 6 x 256) x {numero(fc6.units)} + "
      f"{numero(fc6.units)} sesgos = {numero(fc6.count_params())} parámetros, "
      f"el {porcentaje(fc6.count_params() / red_alexnet.count_params())} de la red")
print("capas de max pooling:", sum(isinstance(c, keras.layers.MaxPooling2D) for c in red_alexnet.layers))
del red_alexnet, dos_gpu
keras.backend.clear_session()
''')

md(r"""
- Con `groups=2`, `conv2`, `conv4` y `conv5` tienen la mitad de pesos (cada filtro ve la mitad
  de los mapas de entrada) y el total baja a 60.965.224: los **60 millones** del artículo. La
  red de una sola pila que se usa hoy (y la de la tabla del apartado 2) tiene 62.378.344.
- **`fc6`, la primera capa densa**, tiene por sí sola más de la mitad de los parámetros: cada
  una de sus 4096 neuronas mira los 9216 valores del último mapa.
- La red tiene **tres** *max pooling* (tras `conv1`, `conv2` y `conv5`), no dos como resume la
  diapositiva.

## 4. VGG: la tabla de configuraciones A-E y las pilas de 3x3

La tabla de la clase 002 es la tabla 1 del artículo de VGG (Simonyan y Zisserman, 2015): seis
configuraciones, de 11 a 19 capas con pesos, todas con convoluciones 3x3 (la C añade tres 1x1)
y cinco *max pooling*. `vgg(config=...)` construye cada una a partir de esa tabla; aquí la
leemos **de vuelta de las capas construidas** con `vgg_table`, en la notación del artículo
(`conv3-64`: convolución 3x3 de 64 filtros):
""")

code(r'''
vgg_table()
''')

md(r"""
La tabla 2 del artículo da sus parámetros en millones, para la entrada de 224x224: 133, 133,
133, 134, 138 y 144. Los contamos en las redes construidas a ese tamaño:
""")

code(OLD.cells[13].source.replace(
    """# NBVAL_IGNORE_OUTPUT
# En modo corto solo se construye la A (cada VGG tiene más de 130 millones de parámetros).
CONFIGURACIONES = cnnkit.quick(full=("A", "A-LRN", "B", "C", "D", "E"), short=("A",))
""", """CONFIGURACIONES = ("A", "A-LRN", "B", "C", "D", "E")
""").replace("""    modelo = vgg(config=config)
""", """    with sin_pesos():
        modelo = vgg(config=config)
""").replace('"redondeo igual": round(modelo.count_params() / 1e6) == VGG_ARTICULO[config],',
                                  '"redondeo igual": cnnkit.format_bool(round(modelo.count_params() / 1e6) == VGG_ARTICULO[config]),').replace(
    "    del modelo\n", '    fc1_vgg = modelo.get_layer("fc1").count_params()  # la primera densa\n    del modelo\n'))
code('assert (tabla_vgg["redondeo igual"] == "sí").all()')

md(r"""
Pasar de 11 a 19 capas cuesta poco en parámetros: la mayor parte está en la primera capa
densa, igual en las seis. **Por qué solo 3x3.** El artículo lo explica al final de su sección 2: dos
convoluciones 3x3 seguidas (sin *pooling* entre ellas) ven una ventana de 5x5 de la entrada, y
tres ven una de 7x7, con **menos pesos** que un solo filtro de ese tamaño y con una ReLU más
entre cada dos (más no linealidad). Con C canales en todas las capas (y sin contar los sesgos):
""")

code(r'''
print(f"primera densa (fc1), la misma en las seis: {numero(fc1_vgg)} parámetros "
      f"(7 x 7 x 512 entradas x 4096 + 4096 sesgos), el {porcentaje(fc1_vgg / tabla.loc['VGG16 (D)', 'parámetros'])} de VGG16")
pilas = pd.DataFrame([stack_comparison(n, 256) for n in (1, 2, 3)])
pd.DataFrame({"convoluciones 3x3": pilas["layers"],
              "campo receptivo": [f"{r}x{r}" for r in pilas["receptive_field"]],
              "pesos de la pila (C = 256)": [numero(v) for v in pilas["stack_weights"]],
              "un solo filtro del mismo campo": [f"{k}x{k}: {numero(v)}" for k, v in
                                                 zip(pilas["single_kernel"], pilas["single_weights"], strict=True)],
              "ahorro": [porcentaje(v) for v in pilas["saving"]]}).set_index("convoluciones 3x3")
''')

md(r"""
Tres 3x3 tienen 27·C² pesos frente a los 49·C² de un 7x7: un 44,9 % menos, con el mismo campo
receptivo. De ahí el lema de VGG que recoge la clase 000, *keep it deep, keep it simple*: una
sola pieza (3x3, ReLU, *pooling* 2x2 cada pocas capas) repetida hasta la profundidad deseada.
Lo que la clase 000 anota en su contra: muchos parámetros (casi todos en las densas) y que las
redes profundas sin más son difíciles de entrenar (*vanishing gradients*): los autores
entrenaron primero la A y usaron sus pesos para empezar las más profundas. El apartado 8 mide
lo que pasa en una red plana profunda.

## 5. GoogLeNet: el módulo *inception* y el *pooling* promedio global

Un módulo *inception* aplica a la misma entrada filtros de varios tamaños en paralelo (1x1,
3x3, 5x5 y un *max pooling* 3x3) y concatena sus salidas. Aplicar directamente 3x3 y 5x5 a
muchos canales es caro; la idea del artículo son las **reducciones 1x1**: antes de la 3x3 y de
la 5x5, una convolución 1x1 reduce el número de canales (y después del *pooling*, otra 1x1 lo
proyecta). El diagrama está dibujado por `cnnkit.viz.diagrams.draw_block` a partir de las capas
del módulo `inception_3a` construido (entrada 28x28x192), no copiado del artículo:
""")

code(r'''
entrada = keras.Input((28, 28, 192), name="entrada")
modulo_3a = keras.Model(entrada, inception_block(entrada, 64, 96, 128, 16, 32, 32, name="3a"))
draw_block(modulo_3a, title="Módulo inception 3a de GoogLeNet (capas construidas)")
plt.show()
''')

md(r"""
Comparamos ese módulo con la versión «ingenua» del artículo (su figura 2a), con las mismas
convoluciones 3x3 y 5x5 pero sin reducciones:
""")

code(OLD.cells[16].source)

md(r"""
Las reducciones dividen los parámetros y las operaciones del módulo por más de dos, y además
evitan que los canales crezcan sin control: en la versión ingenua, la rama del *pooling*
conserva los 192 canales de la entrada, así que cada módulo tendría más canales de salida que
el anterior.

**Los parámetros de GoogLeNet contra la tabla 1 de su artículo.** La tabla 1 de Szegedy et al.
(2015) da, capa a capa, los parámetros en miles. Los ponemos al lado de los de la red
construida, agrupados igual:
""")

code(r'''
TABLA_1 = {"conv1": 2.7, "conv2": 112, "inception_3a": 159, "inception_3b": 380,
           "inception_4a": 364, "inception_4b": 437, "inception_4c": 463, "inception_4d": 580,
           "inception_4e": 840, "inception_5a": 1072, "inception_5b": 1388, "predictions": 1000}
red_googlenet = grandes.pop("GoogLeNet")


def grupo(nombre_capa):
    # conv2_reduce va con conv2; las capas de un módulo, con su módulo
    return "_".join(nombre_capa.split("_")[:2]) if nombre_capa.startswith("inception") else nombre_capa.split("_")[0]


nuestros = {}
for capa in red_googlenet.layers:
    if capa.count_params():
        nuestros[grupo(capa.name)] = nuestros.get(grupo(capa.name), 0) + capa.count_params()
comparacion = pd.DataFrame({"artículo, tabla 1 (miles)": pd.Series(TABLA_1),
                            "construida (miles)": pd.Series(nuestros) / 1000})
comparacion.index = [n.replace("_", " ") for n in comparacion.index]  # «inception 3a»
comparacion.loc["total"] = comparacion.sum()
print("total construido:", numero(red_googlenet.count_params()), "parámetros;",
      "suma de la tabla 1:", numero(1000 * comparacion.loc["total", "artículo, tabla 1 (miles)"]))
comparacion.map(lambda v: numero(v, 1))
''')

md(r"""
Módulo a módulo, la red construida sigue la tabla (la tabla redondea y cuenta solo los pesos;
nosotros contamos también los sesgos, uno por filtro). **La tabla del artículo suma 6,8
millones**, no 5: los «5 millones» que se citan de GoogLeNet (por ejemplo, en Szegedy et al.,
2016) son una cifra redonda que no sale de esa tabla. Un millón de los 7,00 está en una sola
capa, la densa de salida.

**Por qué casi no hay capas densas: el *pooling* promedio global.** AlexNet y VGG aplanan su
último mapa (6x6x256 y 7x7x512) y lo conectan a capas densas de 4096 neuronas: ahí están casi
todos sus parámetros. GoogLeNet, ResNet y DenseNet hacen la **media de cada canal** de su último
mapa (`GlobalAveragePooling2D`): de 7x7x1024 a un vector de 1024, que va directo a la capa de
salida. La parte en capas densas cae:
""")

code(r'''
entradas_densas = {"AlexNet": "6 x 6 x 256 aplanado", "ZF Net": "6 x 6 x 256 aplanado",
                   "VGG16 (D)": "7 x 7 x 512 aplanado", "GoogLeNet": "promedio global de 1024 canales",
                   "ResNet-34": "promedio global de 512 canales", "ResNet-50": "promedio global de 2048 canales",
                   "DenseNet-121": "promedio global de 1024 canales"}
pd.DataFrame({"entrada de las densas": pd.Series(entradas_densas),
              "parte en capas densas": [porcentaje(v, 2) for v in tabla["en capas densas"]]})
''')

md(r"""
## 6. ResNet: el bloque residual, el cuello de botella y la normalización por lotes

Un bloque residual calcula `relu(F(x) + atajo(x))`: las capas del bloque (`F`) aprenden solo
lo que hay que **añadir** a la entrada. Si la salida tiene la misma forma que la entrada, el
atajo es la **identidad** y no tiene parámetros. Los diagramas, dibujados desde las capas
construidas, del **bloque básico** (dos 3x3, ResNet-18 y 34) y del **cuello de botella**
(1x1 que reduce, 3x3, 1x1 que expande; ResNet-50 y más profundas):
""")

code(r'''
entrada = keras.Input((56, 56, 64), name="entrada")
draw_block(keras.Model(entrada, residual_block(entrada, 64)), title="Bloque residual básico (64 canales)")
plt.show()
''')

code(r'''
entrada = keras.Input((56, 56, 256), name="entrada")
draw_block(keras.Model(entrada, residual_block(entrada, 64, bottleneck=True)),
           title="Bloque cuello de botella (256 canales, 64 dentro)")
plt.show()
''')

md(r"""
**El ahorro del cuello de botella.** Con 256 canales, dos 3x3 de un bloque básico costarían
2·9·256² pesos; el cuello de botella hace la 3x3 con 64 canales y paga dos 1x1 para reducir y
expandir. Contamos los parámetros de los bloques construidos (con sus normalizaciones):
""")

code(r'''
def parametros_bloque(canales, filtros, **opciones):
    entrada = keras.Input((56, 56, canales))
    return keras.Model(entrada, residual_block(entrada, filtros, **opciones)).count_params()


cuellos = {"básico, 64 canales": parametros_bloque(64, 64),
           "básico, 256 canales": parametros_bloque(256, 256),
           "cuello de botella, 256 canales (64 dentro)": parametros_bloque(256, 64, bottleneck=True)}
for nombre, n in cuellos.items():
    print(f"{nombre}: {numero(n)} parámetros")
print("básico de 256 / cuello de botella de 256:",
      numero(cuellos["básico, 256 canales"] / cuellos["cuello de botella, 256 canales (64 dentro)"], 1))
''')

md(r"""
El cuello de botella trabaja con 256 canales a la entrada y a la salida con menos parámetros
que un bloque básico de 64: por eso ResNet-50 tiene más capas que ResNet-34 y apenas más
parámetros.

Cuando el bloque reduce el tamaño (*stride* 2) y cambia los canales, la entrada no se puede
sumar tal cual y hay dos opciones del artículo: **opción A**, submuestrear la entrada y
rellenar los canales nuevos con ceros (sin parámetros; la usan sus redes para CIFAR-10, y
nuestro experimento del apartado 8); **opción B**, una **proyección**, una convolución 1x1 con
*stride* 2 y su normalización por lotes (sus redes para ImageNet; la construirás en el ejercicio
3). `residual_block` las construye todas:
""")

code(OLD.cells[18].source)

md(r"""
La diferencia entre las dos filas con *stride* 2 son los 64 x 128 pesos de la convolución 1x1 de
la proyección y los 2 x 128 parámetros entrenables (γ y β) de su normalización por lotes; el
relleno con ceros no añade ninguno.

**La normalización por lotes** (Ioffe y Szegedy, 2015), que ResNet pone tras cada convolución,
resta a cada canal su media en el lote y lo divide por su desviación típica, y después aplica
una escala γ y un desplazamiento β aprendidos. Mantiene la escala de las activaciones de capa
en capa al principio del entrenamiento, y por eso las convoluciones que la preceden no llevan
sesgo (β hace su papel). Al evaluar usa medias y varianzas **móviles**, acumuladas durante el
entrenamiento, que no se entrenan con el gradiente: son los parámetros «no entrenables» de los
resúmenes. El artículo de ResNet la usa también en sus redes **planas**: por eso atribuye su
degradación a la optimización y no a gradientes que se desvanecen (apartado 8).

**ResNet-50 en `cnnkit` y en `keras.applications`.** `resnet(depth=50)` tiene los parámetros
entrenables del artículo y de torchvision. `keras.applications.ResNet50` da otra cifra: sus
convoluciones llevan sesgo (innecesario, por lo que acabamos de ver) y su total incluye las
medias y varianzas móviles:
""")

code(OLD.cells[20].source.replace("""de_keras = keras.applications.ResNet50(weights=None)
""", """with sin_pesos():
    de_keras = keras.applications.ResNet50(weights=None)
"""))
code(OLD.cells[21].source)

md(r"""
Sin los 26.560 sesgos, las dos redes tienen los mismos 25.557.032 parámetros entrenables, y
las mismas 53.120 estadísticas: 25.636.712 = 25.557.032 + 26.560 + 53.120.

## 7. DenseNet: el bloque denso

En un bloque denso (DenseNet), cada capa recibe los mapas de **todas** las anteriores,
concatenados, y añade `growth_rate` mapas nuevos (la **tasa de crecimiento** k). Cada capa es
normalización, ReLU, 1x1 (4k filtros), normalización, ReLU, 3x3 (k filtros); el diagrama agrupa
cada convolución con la normalización y la ReLU que la preceden. Un bloque de 3 capas con
k = 12:
""")

code(r'''
entrada = keras.Input((28, 28, 24), name="entrada")
draw_block(keras.Model(entrada, dense_block(entrada, 3, 12, name="denso")), group=True,
           title="Bloque denso: 3 capas, k = 12")
plt.show()
''')

md(r"""
Tras L capas, un bloque que recibe c₀ canales entrega c₀ + L·k. Medimos los canales tras cada
capa del primer bloque de DenseNet-121 (c₀ = 64, L = 6) con k = 12 y k = 32 (la de
DenseNet-121):
""")

code(OLD.cells[23].source)

md(r"""
Los canales crecen en línea recta, k por capa: por eso los bloques densos usan una tasa de
crecimiento pequeña, y entre bloque y bloque una **transición** (`transition`: convolución 1x1
que reduce los canales a la mitad y *pooling* medio 2x2).

## 8. El problema de la degradación

**La observación de He et al. (2016)** (sus figuras 1 y 6): con redes **planas** (sin atajos),
una red más profunda tiene **más error de entrenamiento** que una menos profunda. No es
sobreajuste, porque el error alto es el de entrenamiento; y no debería pasar, porque la red
profunda podría copiar la menos profunda y hacer de identidad con las capas que sobran. El
problema es de **optimización**. Con atajos, la identidad es lo que sale cuando las capas del
bloque valen cero, y en el artículo la red residual más profunda entrena mejor que la menos
profunda.

**Nuestro experimento**, una versión pequeña de su figura 6: las redes del estilo CIFAR del
artículo (`resnet(..., depth=6n + 2, stem="small")`: una convolución, tres etapas de n bloques
básicos y la capa de salida), de 20 y 44 capas, **planas** (`plain=True`: la misma red sin los
atajos y nada más; con atajos de la opción A, sin parámetros, las dos versiones tienen
exactamente los mismos parámetros) y **residuales**. La receta, comparada con la del artículo
(sección 4, experimentos con CIFAR-10):

| | el artículo (CIFAR-10) | aquí |
|---|---|---|
| optimizador | SGD, momento 0,9, lotes de 128 | igual |
| regularización | *weight decay* 0,0001 | igual (término L2 en cada núcleo) |
| tasa | 0,1, dividida por 10 a los 32.000 y 48.000 pasos de 64.000 | 0,1, dividida por 10 a la mitad y a los tres cuartos del entrenamiento |
| normalización | por lotes tras cada convolución | igual |
| datos | CIFAR-10 (45.000 imágenes de 32x32x3) con aumento de datos | un subconjunto fijo de Fashion-MNIST (28x28x1), sin aumento |
| duración | unas 180 épocas | unas pocas épocas del subconjunto (la celda siguiente) |
| anchura | 16 filtros en la primera etapa | menos filtros (la celda siguiente) |
| error de entrenamiento | no dice cómo lo mide | en **modo inferencia**, con los pesos de ese momento, en un subconjunto fijo de imágenes de entrenamiento, con las estadísticas de la normalización **recalculadas** para esos pesos (abajo) |

Es decir: la receta del artículo en todo menos en los datos, la duración y la anchura, que
recortamos para que quepa en minutos en un portátil. El error que medimos es el de unas
imágenes de entrenamiento fijas, con los pesos de ese momento y en modo inferencia, no la media
que Keras muestra durante `fit` (que mezcla los pesos de muchos pasos).

**Cómo medimos el error con normalización por lotes.** En modo inferencia, la normalización no
usa las estadísticas del lote sino sus **medias móviles**: empiezan en media 0 y varianza 1 y en
cada paso se acercan a las del lote con un momento (0,99 en Keras). Son, por tanto, una media de
las estadísticas de los pesos de muchos pasos anteriores, y en un entrenamiento corto, con una
tasa de aprendizaje alta, esos pesos ya no son los de ahora. Por eso, antes de cada medida,
**recalculamos** las estadísticas para los pesos de ese momento: la media de las de unos pocos
lotes de entrenamiento (lo que Wu y Johnson, 2021, llaman *precise BN*); medimos, y devolvemos
las medias móviles a su sitio, así que el entrenamiento sigue exactamente igual. La ejecución
guardada anota también el error con las medias móviles tal como salen del entrenamiento: más
abajo comparamos las dos medidas.

**Hipótesis**: la red plana de 44 capas acaba con más error de entrenamiento que la de 20; con
atajos, la diferencia desaparece o se invierte.
""")

code(r'''
# NBVAL_IGNORE_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
DISENO = cnnkit.quick(
    full=dict(depths=(20, 44), width=8, epochs=6.0, train_images=5000, probe_images=1000, probes=6, bn_batches=5),
    short=dict(depths=(8,), width=2, epochs=0.2, train_images=600, probe_images=100, probes=2, bn_batches=2))
SEMILLAS_EN_VIVO = (0,)
pasos = round(DISENO["epochs"] * min(DISENO["train_images"], len(x_train)) / 128)
print(f"profundidades {DISENO['depths']}, {DISENO['width']} filtros en la primera etapa, "
      f"{numero(DISENO['train_images'])} imágenes de entrenamiento, {numero(DISENO['epochs'], 1)} épocas "
      f"= {pasos} pasos de 128; error medido en {numero(DISENO['probe_images'])} de esas imágenes, "
      f"con las estadísticas recalculadas en {DISENO['bn_batches']} lotes")
''')

code(r'''
# NBVAL_IGNORE_OUTPUT
inicio = time.perf_counter()
curvas = pd.DataFrame(degradation.run(x_train, y_train, seeds=SEMILLAS_EN_VIVO, **DISENO))
print(f"{curvas.groupby(['network', 'depth']).ngroups} redes entrenadas en "
      f"{numero(time.perf_counter() - inicio)} s (semilla 0)")
finales_vivo = curvas.sort_values("step").groupby(["network", "depth"]).last()
pd.DataFrame({"error final (estadísticas recalculadas)": [porcentaje(e) for e in finales_vivo["train_error"]],
              "error final (medias móviles)": [porcentaje(e) for e in finales_vivo["train_error_moving"]],
              "segundos de entrenamiento": [numero(s, 1) for s in finales_vivo["seconds"]]},
             index=pd.Index([f"{'plana' if r == 'plain' else 'residual'}, {p} capas" for r, p in finales_vivo.index],
                            name="esta ejecución (semilla 0)"))
''')

code(r'''
assert set(curvas["network"]) == {"plain", "residual"} and curvas["train_error"].between(0, 1).all()
iniciales_vivo = curvas.sort_values("step").groupby(["network", "depth"]).first()["train_error"]
if not cnnkit.quick(full=False, short=True):  # en modo corto apenas hay pasos
    assert (finales_vivo["train_error"] < iniciales_vivo).any(), "ninguna red ha aprendido nada"
''')

md(r"""
**La ejecución guardada: tres semillas.** El mismo experimento, con las semillas 0, 1 y 2, lo
ejecuta `benchmarks/bench_deep_architectures.py degradation`; sus filas vienen con `cnnkit`. La
primera fila dice dónde, cuándo y con qué diseño se midió (la ejecución en vivo de arriba es su
semilla 0, con el mismo diseño):
""")

code(r'''
guardada = read_rows("deep_degradation.jsonl")
maquina, fin = guardada[0], guardada[-1]
print(f"medida el {maquina['date']} en {maquina['cpus']} núcleos ({maquina['processor']}), "
      f"TensorFlow {maquina['tensorflow']}; duración total {numero(fin['wall_seconds'] / 60, 1)} minutos")
d = maquina["design"]
print(f"carga media de la máquina (último minuto) al empezar y al acabar: {numero(maquina['load_average'][0], 1)} "
      f"y {numero(fin['load_average'][0], 1)} (2 núcleos)")
print(f"diseño: profundidades {d['depths']}, anchura {d['width']}, {numero(d['train_images'])} imágenes, "
      f"{numero(d['epochs'], 1)} épocas, estadísticas recalculadas en {d['bn_batches']} lotes, semillas {d['seeds']}")
if not cnnkit.quick(full=False, short=True):  # en vivo, el mismo diseño con la semilla 0
    assert all(list(v) == d[k] if isinstance(v, tuple) else v == d[k] for k, v in DISENO.items()), (DISENO, d)
curvas_3 = pd.DataFrame([r for r in guardada if r["kind"] == "curve"])
finales = curvas_3.sort_values("step").groupby(["network", "depth", "seed"]).last()["train_error"].unstack("seed")
pd.DataFrame({"media": list(finales.mean(axis=1).map(porcentaje)),
              "mínimo": list(finales.min(axis=1).map(porcentaje)),
              "máximo": list(finales.max(axis=1).map(porcentaje)),
              "cada semilla": [" / ".join(porcentaje(v) for v in fila) for fila in finales.to_numpy()]},
             index=pd.Index([f"{'plana' if r == 'plain' else 'residual'}, {p} capas" for r, p in finales.index],
                            name="error final (3 semillas)"))
''')

code(r'''
# Diferencias semilla a semilla (con una semilla, las redes ven los mismos lotes, y la plana y
# la residual de una profundidad parten además de los mismos pesos)
HONDA, BAJA = max(d["depths"]), min(d["depths"])


def comparar(texto, a, b):
    dif = 100 * (finales.loc[a] - finales.loc[b]).to_numpy()
    bajo, alto = st.t.interval(0.95, len(dif) - 1, loc=dif.mean(), scale=st.sem(dif))
    print(f"{texto} = {numero(dif.mean(), 1)} puntos de media (por semilla: "
          f"{', '.join(numero(v, 1) for v in dif)}; intervalo del 95 %: {numero(bajo, 1)} a {numero(alto, 1)})")


for red, nombre in (("plain", "plana"), ("residual", "residual")):
    comparar(f"red {nombre}: {HONDA} capas - {BAJA} capas", (red, HONDA), (red, BAJA))
for profundidad in (BAJA, HONDA):
    comparar(f"{profundidad} capas: residual - plana", ("residual", profundidad), ("plain", profundidad))
''')

code(r'''
# extra: la figura (línea: media de 3 semillas; banda: de la mejor a la peor)
fig, ejes = plt.subplots(1, 2, figsize=(9.5, 4), sharey=True, layout="constrained")
for eje, red, nombre in zip(ejes, ("plain", "residual"), ("Red plana", "Red residual"), strict=True):
    for profundidad, color in zip((BAJA, HONDA), ("tab:orange", "tab:red"), strict=True):
        elegidas = curvas_3[(curvas_3["network"] == red) & (curvas_3["depth"] == profundidad)]
        grupo_curvas = elegidas.pivot(index="epoch", columns="seed", values="train_error")
        eje.plot(grupo_curvas.index, 100 * grupo_curvas.mean(axis=1), color=color, marker="o",
                 label=f"{profundidad} capas")
        eje.fill_between(grupo_curvas.index, 100 * grupo_curvas.min(axis=1), 100 * grupo_curvas.max(axis=1),
                         color=color, alpha=0.2)
    eje.set_title(nombre)
    eje.set_xlabel("épocas del subconjunto")
    eje.legend()
ejes[0].set_ylabel("error de entrenamiento (%)")
fig.suptitle("Fashion-MNIST, ejecución guardada: error de entrenamiento (estadísticas recalculadas)")
plt.show()
''')

md(r"""
**Qué muestran la tabla y la figura** (ejecución guardada, tres semillas, 234 pasos):

- **La red plana más profunda entrena peor.** La plana de 44 capas acaba con un 29,0 %, 31,2 %
  y 20,9 % de error de entrenamiento, y la de 20 con un 17,6 %, 17,2 % y 15,9 %: en las tres
  semillas la de 44 queda por encima, de 5,0 a 14,0 puntos (10,1 de media), y en la figura su
  curva media va por encima en todas las medidas después de la inicial: es el sentido de la
  degradación del artículo. Pero las tres diferencias son tan distintas entre sí que el
  intervalo del 95 % (de -1,4 a 21,6 puntos) incluye el cero: con tres semillas **no se puede
  concluir** con esa confianza.
- **Con atajos, la más profunda no entrena mejor, y la diferencia es menor.** La residual de 44
  capas acaba con un 15,8 %, 16,0 % y 19,3 %, y la de 20 con un 15,3 %, 14,8 % y 13,9 %: 2,4
  puntos más de media (de 0,5 a 5,4 por semilla), con un intervalo (de -4,2 a 9,0) que incluye
  el cero. En el artículo la residual de 44 capas entrena mejor que la de 20; aquí no queda por
  debajo en ninguna semilla, y si es peor o igual **no se puede concluir**.
- **Los atajos, a la misma profundidad.** Con 20 capas, la residual acaba por debajo de la plana
  en las tres semillas, de 2,0 a 2,4 puntos, con un intervalo (de -2,8 a -1,7) que no incluye
  el cero. Con 44 capas acaba 13,2 y 15,2 puntos por debajo en dos semillas y 1,6 en la
  tercera, y el intervalo (de -28,2 a 8,2) incluye el cero.
- **Qué podemos decir.** Las medias van en el sentido de la hipótesis: la plana de 44 capas
  entrena peor que la de 20, y con atajos la diferencia entre profundidades se reduce. Con tres
  semillas, solo la ventaja de los atajos con 20 capas es concluyente. Y la receta no es la del
  artículo: 234 pasos (el artículo da 64.000), 8 filtros en la primera etapa en lugar de 16 y
  Fashion-MNIST en lugar de CIFAR-10.
""")

md(r"""
**Las dos medidas, lado a lado.** La ejecución guardada anota en cada punto el error con las
estadísticas recalculadas (el de la tabla y la figura de arriba) y el error con las medias
móviles tal como salen del entrenamiento, el que daría evaluar la red sin más. El momento de
esas medias en Keras, cuánto pesa todavía su valor inicial al final del entrenamiento, y el
error final medido de las dos maneras:
""")

code(r'''
momento = keras.layers.BatchNormalization().momentum
pasos_guardada = round(d["epochs"] * d["train_images"] / d["batch_size"])
print(f"momento de las medias móviles (Keras): {numero(momento, 2)}; tras {pasos_guardada} pasos, "
      f"el valor inicial pesa todavía un {porcentaje(momento ** pasos_guardada)} en ellas")
dos_medidas = curvas_3.sort_values("step").groupby(["network", "depth", "seed"]).last()
pd.DataFrame({"recalculadas, cada semilla": [" / ".join(porcentaje(v) for v in dos_medidas.loc[i, "train_error"])
                                             for i in finales.index],
              "medias móviles, cada semilla": [" / ".join(porcentaje(v) for v in dos_medidas.loc[i, "train_error_moving"])
                                               for i in finales.index],
              "diferencia media (puntos)": [numero(100 * (dos_medidas.loc[i, "train_error_moving"]
                                                          - dos_medidas.loc[i, "train_error"]).mean(), 1)
                                            for i in finales.index]},
             index=pd.Index([f"{'plana' if r == 'plain' else 'residual'}, {p} capas" for r, p in finales.index],
                            name="error final (3 semillas)"))
''')

md(r"""
**Qué enseña la comparación.** Con las medias móviles, la red plana de 44 capas parecería no
haber aprendido casi nada: un 90,7 %, 88,2 % y 75,7 % de error (responder al azar da un 90 %),
cuando los mismos pesos, con las estadísticas recalculadas, fallan el 29,0 %, 31,2 % y
20,9 %. Entre las dos medidas hay 57,8 puntos de media en esa red y 22,3 en la plana de 20
capas, frente a 2,6 y 5,1 en las residuales. El valor inicial de las medias móviles ya pesa
poco al final (un 9,5 %); el resto es una media de las estadísticas de los pesos de pasos
anteriores, no de los finales. Con esa medida las conclusiones habrían sido otras: la plana de
44 capas «no aprende», y la residual de 44 capas (24,4 %, 19,6 % y 22,4 %) queda por encima de
la de 20 (15,9 %, 21,8 % y 14,0 %) en dos de las tres semillas. La lección: el error en modo
inferencia de una red con normalización por lotes que ha entrenado pocos pasos mide también el
retraso de sus medias móviles; recalcular las estadísticas para los pesos del momento separa
las dos cosas.
""")

md(r"""
**Las normas del gradiente al empezar.** Otra forma de mirar el problema es la señal que llega
a cada capa antes de entrenar. Para las redes de 44 capas (plana y residual, con los mismos
pesos iniciales para cada semilla, 16 filtros en la primera etapa), calculamos el gradiente de
la pérdida de un lote respecto al núcleo de cada convolución y lo medimos **por peso**: la raíz
de la media de sus cuadrados (RMS). Una norma sin más crecería con el número de pesos del
núcleo (de 144 a 9216 aquí), y compararía capas de tamaños distintos. Tres semillas y cuatro
lotes por semilla: doce medidas por convolución.
""")

code(r'''
# NBVAL_IGNORE_OUTPUT
inicio = time.perf_counter()
GRADIENTES = cnnkit.quick(full=dict(depth=44, width=16, seeds=(0, 1, 2), batches=4),
                          short=dict(depth=8, width=2, seeds=(0,), batches=2))
normas = gradients.summarize(gradients.run(x_train, y_train, **GRADIENTES))
print(f"{normas['samples'].iloc[0]} medidas por convolución, en {numero(time.perf_counter() - inicio)} s")
for red, nombre in (("plain", "plana"), ("residual", "residual")):
    filas_red = normas.loc[red]
    primera, ultima = filas_red.iloc[0], filas_red.iloc[-1]
    print(f"red {nombre}: RMS del gradiente en la primera convolución {numero(primera['grad_rms_median'], 5)} "
          f"({numero(primera['grad_rms_min'], 5)} a {numero(primera['grad_rms_max'], 5)}), en la última "
          f"{numero(ultima['grad_rms_median'], 5)} ({numero(ultima['grad_rms_min'], 5)} a "
          f"{numero(ultima['grad_rms_max'], 5)}); cociente de medianas {numero(primera['grad_rms_median'] / ultima['grad_rms_median'], 2)}")
''')

code(r'''
# NBVAL_IGNORE_OUTPUT
# extra: la figura (línea: mediana; banda: mínimo y máximo de las medidas)
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
for (red, nombre), color in zip((("plain", "plana"), ("residual", "residual")), ("tab:red", "tab:blue"), strict=True):
    filas_red = normas.loc[red]
    x = np.arange(1, len(filas_red) + 1)
    ax.semilogy(x, filas_red["grad_rms_median"], color=color, marker=".", label=f"red {nombre}")
    ax.fill_between(x, filas_red["grad_rms_min"], filas_red["grad_rms_max"], color=color, alpha=0.2)
ax.set_xlabel("convolución (de la entrada a la salida)")
ax.set_ylabel("RMS del gradiente por peso (escala log.)")
ax.set_title(f"Gradiente por capa al empezar, redes de {GRADIENTES['depth']} capas")
ax.legend()
plt.show()
''')

md(r"""
**Qué muestran las medidas** (tres semillas por cuatro lotes, redes de 44 capas, antes de
entrenar):

- **En la red plana, el gradiente por peso crece de la salida hacia la entrada**: su mediana
  pasa de 0,00467 en la última convolución a 2,38887 en la primera, un cociente de unas 512
  veces, y los rangos de las doce medidas de esas dos capas quedan muy lejos uno del otro. En
  escala logarítmica la curva baja casi en línea recta hasta las últimas capas.
- **En la residual, la curva es mucho más plana**: de 0,00415 a 0,07295, un cociente de unas 18
  veces, y en la mayoría de las capas intermedias las bandas de las medidas se solapan entre
  sí.
- La clase 000 habla de gradientes que **se desvanecen** (*vanishing gradients*). En esta red
  plana, con normalización por lotes, al empezar no se desvanecen hacia la entrada: **crecen**.
  Lo mismo dice el artículo de ResNet de sus redes planas (con normalización por lotes): su
  degradación no se debe a gradientes que se desvanecen. Lo que sí muestra la medida es que,
  sin atajos, las capas reciben al empezar señales de escalas muy distintas; que eso baste para
  explicar la degradación del apartado anterior es una hipótesis que estas medidas no prueban.

## 9. Un miembro pequeño de cada familia: el mismo tiempo o las mismas épocas

Los constructores tienen opciones para versiones pequeñas de cada familia para imágenes de
28x28x1: una primera capa 3x3 sin *stride* en lugar del filtro grande de ImageNet
(`stem="small"`), menos filtros y capas densas más pequeñas (`cnnkit.experiments.families.FAMILIES`).
Las entrenamos con Fashion-MNIST (las 60.000 imágenes de entrenamiento) con la misma receta
(Adam, tasa 0,001, lotes de 128, momento 0,9 en las medias móviles de la normalización) y
medimos el acierto con las 10.000 imágenes de test en modo inferencia, con las estadísticas de
la normalización recalculadas para los pesos finales en 10 lotes de entrenamiento, como en el
apartado 8 (la ejecución guardada anota también el acierto con las medias móviles). Dos
presupuestos, que responden a dos preguntas distintas:

- **el mismo tiempo**: cada red entrena hasta que el reloj pasa del presupuesto. El reloj se
  mira **tras cada lote**, así que ninguna red se pasa más de un lote; la tabla muestra los
  segundos que entrenó cada una. Pregunta: ¿qué red aprovecha mejor unos segundos de CPU?
- **las mismas épocas**: cada red ve las mismas imágenes, cueste lo que cueste. Pregunta: ¿qué
  red aprende más de los mismos datos?

La compilación del grafo de cada red (unos segundos) se hace antes y no cuenta como
entrenamiento.
""")

code(r'''
# NBVAL_IGNORE_OUTPUT
# en vivo, presupuestos más cortos que los de la ejecución guardada (15 s y un quinto de época)
PRESUPUESTOS = cnnkit.quick(full=dict(seconds=10.0, epochs=0.1), short=dict(seconds=2.0, epochs=0.02))
A_ENTRENAR = cnnkit.quick(full=list(families.FAMILIES), short=["VGG (A)"])
inicio = time.perf_counter()
en_vivo = pd.DataFrame(families.run(x_train, y_train, x_test, y_test, seeds=(0,),
                                    families={n: families.FAMILIES[n] for n in A_ENTRENAR}, **PRESUPUESTOS))
print(f"{len(en_vivo)} entrenamientos en {numero(time.perf_counter() - inicio)} s (semilla 0)")
pd.DataFrame({"presupuesto": en_vivo["budget"].map({"time": "tiempo", "epochs": "épocas"}),
              "familia": en_vivo["family"], "pasos": en_vivo["steps"],
              "segundos de entrenamiento": [numero(s, 1) for s in en_vivo["seconds"]],
              "acierto en test": [porcentaje(a) for a in en_vivo["accuracy"]]}).set_index(["presupuesto", "familia"])
''')

code(r'''
assert en_vivo["accuracy"].between(0, 1).all()
assert en_vivo["accuracy"].max() > cnnkit.quick(full=0.5, short=0.1)  # el azar da un 10 %
assert (en_vivo.query("budget == 'time'")["overshoot_seconds"] <= en_vivo.query("budget == 'time'")["last_step_seconds"]).all()
''')

md(r"""
**La ejecución guardada: tres semillas** (`benchmarks/bench_deep_architectures.py families`):
""")

code(r'''
guardada = read_rows("deep_families.jsonl")
maquina, fin = guardada[0], guardada[-1]
d = maquina["design"]
print(f"medida el {maquina['date']} en {maquina['cpus']} núcleos; duración total {numero(fin['wall_seconds'] / 60, 1)} "
      f"minutos; presupuestos: {numero(d['seconds'])} s o {numero(d['epochs'], 2)} épocas; estadísticas "
      f"recalculadas en {d['bn_batches']} lotes; semillas {d['seeds']}")
print(f"carga media de la máquina (último minuto) al empezar y al acabar: {numero(maquina['load_average'][0], 1)} "
      f"y {numero(fin['load_average'][0], 1)} (2 núcleos; los demás procesos, con prioridad baja)")
filas_3 = pd.DataFrame([r for r in guardada if r["kind"] == "family"])
resumen = families.summarize(filas_3.to_dict("records"))
resumen_es = pd.DataFrame({
    "mult.-sumas por imagen (M)": [numero(v / 1e6, 1) for v in resumen["mult_adds"]],
    "pasos (media)": [numero(v) for v in resumen["steps_mean"]],
    "segundos por ejecución": [" / ".join(numero(s, 1) for s in filas_3.query("budget == @b and family == @f")["seconds"])
                               for b, f in resumen.index],
    "acierto (media)": [porcentaje(v) for v in resumen["accuracy_mean"]],
    "intervalo del 95 %": [f"{porcentaje(a)} a {porcentaje(b)}" for a, b in
                           zip(resumen["accuracy_low"], resumen["accuracy_high"], strict=True)],
    "con medias móviles (media)": [porcentaje(filas_3.query("budget == @b and family == @f")["accuracy_moving"].mean())
                                   for b, f in resumen.index]},
    index=pd.MultiIndex.from_tuples([("tiempo" if b == "time" else "épocas", f) for b, f in resumen.index],
                                    names=["presupuesto", "familia"]))
tiempo = filas_3.query("budget == 'time'")
print(f"presupuesto de tiempo: exceso máximo {numero(tiempo['overshoot_seconds'].max(), 2)} s "
      f"({porcentaje(tiempo['overshoot_seconds'].max() / d['seconds'])} del presupuesto)")
resumen_es
''')

code(r'''
# extra: la figura (punto: media de 3 semillas; barra: intervalo del 95 %)
fig, ejes = plt.subplots(1, 2, figsize=(9.5, 4.2), sharey=True, layout="constrained")
for eje, presupuesto, eje_x, titulo in (
        (ejes[0], "time", "mult_adds", f"El mismo tiempo ({numero(d['seconds'])} s)"),
        (ejes[1], "epochs", "seconds_mean", f"Las mismas épocas ({numero(d['epochs'], 2)})")):
    parte = resumen.loc[presupuesto]
    for familia, fila in parte.iterrows():
        x = fila[eje_x] / (1e6 if eje_x == "mult_adds" else 1)
        eje.errorbar(x, 100 * fila["accuracy_mean"], yerr=[[100 * (fila["accuracy_mean"] - fila["accuracy_low"])],
                     [100 * (fila["accuracy_high"] - fila["accuracy_mean"])]], fmt="o", capsize=4, label=familia)
    eje.set_xscale("log")
    eje.grid(True, which="both", alpha=0.3)
    eje.set_title(titulo)
    eje.set_xlabel("mult.-sumas por imagen (millones, escala log.)" if eje_x == "mult_adds"
                   else "segundos de entrenamiento (escala log.)")
ejes[0].set_ylabel("acierto en test (%)")
ejes[1].legend(fontsize=8)
fig.suptitle("Fashion-MNIST, ejecución guardada")
plt.show()
''')

md(r"""
**Qué muestran la tabla y la figura** (ejecución guardada, tres semillas, intervalos del 95 %):

- **El mismo tiempo (15 s).** Cada red entrenó entre 15,0 y 16,3 segundos. El exceso máximo,
  1,29 s (un 8,6 % del presupuesto), es de DenseNet: con 9 pasos de media en 15 s, cada paso
  suyo dura más de un segundo y medio, y ninguna red se pasa más de un paso. Los pasos, en
  cambio, no se parecen: de 225 de media VGG (A), la más barata por imagen (3,8 millones de
  multiplicaciones-sumas), a 9 DenseNet (33,1 millones). VGG (A) acierta un 77,3 % (de 75,8 % a
  78,9 %), y su intervalo queda por encima de los de todas las demás. Los de ResNet-20 (67,5 %,
  de 66,3 % a 68,7 %) y AlexNet (65,2 %, de 56,8 % a 73,6 %) se solapan: no se puede concluir
  cuál de las dos es mejor con este presupuesto. Los pasos no lo explican todo: DenseNet, con 9
  pasos, acierta un 46,9 % (de 42,9 % a 50,9 %), y GoogLeNet, con 20, un 22,4 % (de 14,6 % a
  30,1 %).
- **Las mismas épocas (94 pasos, 0,2 épocas).** El orden cambia. ResNet-20 tiene la media más
  alta, 80,2 % (de 78,3 % a 82,1 %), y su intervalo se solapa con el de DenseNet (78,0 %, de
  74,4 % a 81,6 %): no se puede concluir cuál de las dos es mejor. Las dos quedan por encima de
  VGG (A) (72,4 %, de 71,7 % a 73,1 %) y de AlexNet (70,7 %, de 67,8 % a 73,5 %), y GoogLeNet
  (54,0 %) es la última. Esos 94 pasos cuestan a cada red tiempos muy distintos: de 6,2 a 7,7 s
  a VGG (A) y de 113,5 a 126,4 s a DenseNet.
- **Dos preguntas, dos respuestas.** Con el mismo reloj gana la red más barata, que da 25 veces
  más pasos que DenseNet; con los mismos datos quedan arriba ResNet-20 y DenseNet, las dos con
  normalización por lotes. Ninguna de las dos carreras dice qué red sería mejor entrenada hasta
  el final.
- **Las medias móviles, otra vez.** AlexNet, VGG (A) y GoogLeNet no tienen normalización por
  lotes: sus dos columnas de acierto coinciden. En ResNet-20 y DenseNet, con las medias móviles
  tal como salen del entrenamiento, el acierto es menor, y tras los 9 pasos que da DenseNet en
  15 s es el del azar (9,1 % frente al 46,9 % con las estadísticas recalculadas).
- Los segundos dependen de la máquina: la medida se hizo en 2 núcleos con otros procesos de
  prioridad baja (la carga impresa arriba), y con otra carga cabrían otros pasos en 15 s.

Es una carrera corta en un conjunto pequeño. En ImageNet, con entrenamientos de días, la
tabla comparativa de la clase 002 (acierto top-1 y top-5, tamaño, parámetros y profundidad de
VGG16 a DenseNet201) ordena las familias de otra manera; el cuaderno 05 la mide sobre los
modelos de `keras.applications`.
""")

code(r'''
# NBVAL_IGNORE_OUTPUT
# extra: cuánto ha tardado el cuaderno hasta aquí
print(f"tiempo de ejecución del cuaderno: {numero((time.perf_counter() - INICIO) / 60, 1)} minutos")
''')

md(r"""
## Resumen

- ILSVRC, con una regla (el ganador de cada año, cada cifra con su fuente): en 2012, en la
  página de resultados de los organizadores, 15,315 % para SuperVision (AlexNet) frente al
  26,172 % del segundo puesto, sin redes convolucionales; según los artículos de los
  ganadores, 3,57 % con ResNet en 2015 y 2,251 % con SENet en 2017. DenseNet no participó.
- **AlexNet**: ReLU, *dropout*, aumento de datos, *pooling* solapado, LRN y dos GPU; con el
  reparto en dos GPU (`groups=2`) tiene los 60 millones del artículo, y más de la mitad están
  en `fc6`.
- **VGG**: una sola pieza repetida; tres 3x3 ven lo mismo que un 7x7 con un 44,9 % menos de
  pesos. Casi todos sus parámetros están en las densas.
- **GoogLeNet**: módulos *inception* con reducciones 1x1 y *pooling* promedio global; su tabla
  suma 6,8 millones de parámetros.
- **ResNet**: atajos identidad, proyección o relleno con ceros; el cuello de botella trabaja con
  256 canales con menos parámetros que un bloque básico de 64; normalización por lotes tras cada
  convolución.
- **DenseNet**: concatena; los canales crecen k por capa.
- **Degradación** (ejecución guardada, tres semillas, 6 épocas, error medido con las
  estadísticas de la normalización recalculadas): la plana de 44 capas acaba con más error de
  entrenamiento que la de 20 en las tres semillas (10,1 puntos de media), la residual de 44 solo
  2,4 puntos más que la de 20; con tres semillas ninguna de las dos diferencias es concluyente.
  Con las medias móviles, la plana de 44 capas parecería no haber aprendido casi nada.
- **Familias** (tres semillas): con el mismo tiempo (15 s) gana VGG (A), la más barata por imagen
  (77,3 % de acierto); con las mismas épocas, ResNet-20 tiene la media más alta (80,2 %), aunque su
  intervalo se solapa con el de DenseNet (78,0 %); GoogLeNet es la última con los dos
  presupuestos.

## Ejercicios

Los cuatro se corrigen con una celda de comprobación que dice, en español, qué está mal. Las
soluciones están en la sección **Soluciones**, plegadas.

1. **Construye la configuración C de VGG** a partir de la tabla del apartado 4, con capas de
   Keras (no con `cnnkit.models.vgg`): bloques de convoluciones con ReLU y `padding="same"`
   (*stride* 1), cada bloque cerrado por un *max pooling* 2x2 con *stride* 2, y después
   `Flatten`, dos densas de 4096 con ReLU y la de salida con softmax. Usa los argumentos
   `input_shape` y `num_classes`. La comprobación mira cada capa: tipo, núcleo, filtros,
   *stride*, *padding*, activación y orden.
""")

EJ1 = code(r'''
def construir_vgg_c(input_shape=(224, 224, 3), num_classes=1000):
    # Devuelve la configuración C de VGG, sin compilar.
    ### BEGIN SOLUTION
    bloques = [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 2 + ["conv1-256"],
               ["conv3-512"] * 2 + ["conv1-512"], ["conv3-512"] * 2 + ["conv1-512"]]
    capas = [keras.Input(input_shape)]
    for bloque in bloques:
        for capa in bloque:
            nucleo, filtros = capa.removeprefix("conv").split("-")
            capas.append(keras.layers.Conv2D(int(filtros), int(nucleo), padding="same", activation="relu"))
        capas.append(keras.layers.MaxPooling2D(2))
    capas += [keras.layers.Flatten(),
              keras.layers.Dense(4096, activation="relu"),
              keras.layers.Dense(4096, activation="relu"),
              keras.layers.Dense(num_classes, activation="softmax")]
    return keras.Sequential(capas)
    ### END SOLUTION
''')

CH1 = code(r'''
# Comprobación (con imágenes de 32x32 para que sea rápida: las capas son las mismas)
from cnnkit.exercises.architectures import check_vgg_config
assert check_vgg_config(construir_vgg_c(input_shape=(32, 32, 3), num_classes=10), "C", num_classes=10), \
    "corrige las líneas marcadas con ✘"
### BEGIN HIDDEN TESTS
from cnnkit.exercises.architectures import check_vgg_config as comprobar_vgg
assert comprobar_vgg(construir_vgg_c(input_shape=(64, 64, 1), num_classes=7), "C", num_classes=7,
                     verbose=False), "construir_vgg_c debe usar sus argumentos input_shape y num_classes"
assert construir_vgg_c(input_shape=(64, 64, 1), num_classes=7).input_shape == (None, 64, 64, 1), \
    "construir_vgg_c debe usar su argumento input_shape"
### END HIDDEN TESTS
''')

md(r"""
2. **Campo receptivo.** Escribe `campo_receptivo(nucleos, strides)`, que devuelva el lado del
   campo receptivo de una pila de capas (convoluciones y *pooling*, la primera primero) con esos
   tamaños de núcleo y esos *strides*: cada capa k x k añade k - 1 píxeles de **su** entrada,
   y un píxel de la entrada de una capa equivale a tantos píxeles de la imagen como el producto
   de los *strides* de las capas anteriores. Escríbela tú, sin usar la función de `cnnkit`. La
   comprobación la prueba con varias pilas, entre ellas la de VGG16 hasta `conv3_3` (dos 3x3, un
   *pooling* 2x2 con *stride* 2, dos 3x3, otro *pooling*, tres 3x3), cuyo resultado no aparece
   en el cuaderno.
""")

EJ2 = code(r'''
def campo_receptivo(nucleos, strides):
    # Lado (en píxeles de la imagen) de la ventana que ve un píxel de la última capa.
    ### BEGIN SOLUTION
    campo, salto = 1, 1
    for k, s in zip(nucleos, strides, strict=True):
        campo += (k - 1) * salto
        salto *= s
    return campo
    ### END SOLUTION
''')

CH2 = code(r'''
# Comprobación: VGG16 hasta conv3_3 y otras pilas
from cnnkit.exercises.architectures import check_receptive_field
VGG16_HASTA_CONV3_3 = ([3, 3, 2, 3, 3, 2, 3, 3, 3], [1, 1, 2, 1, 1, 2, 1, 1, 1])
assert check_receptive_field(campo_receptivo, *VGG16_HASTA_CONV3_3), "corrige campo_receptivo"
### BEGIN HIDDEN TESTS
import inspect
from cnnkit.exercises.architectures import check_receptive_field as comprobar_campo
assert comprobar_campo(campo_receptivo, [11, 3, 5, 3], [4, 2, 1, 2], verbose=False), "corrige campo_receptivo"
assert "receptive_field" not in inspect.getsource(campo_receptivo), \
    "escribe el cálculo tú: no uses la función de cnnkit"
### END HIDDEN TESTS
''')

md(r"""
3. **Un bloque residual con proyección (opción B).** Escribe `bloque_con_proyeccion(x, filtros,
   stride=2)` con capas de Keras (no con `residual_block` de `cnnkit`): camino principal conv
   3x3 con ese *stride* - normalización por lotes - ReLU - conv 3x3 - normalización por lotes;
   atajo conv 1x1 con el mismo *stride* - normalización por lotes; las convoluciones sin sesgo
   (`use_bias=False`) y `padding="same"`; después `Add` y ReLU. La comprobación construye tu
   bloque y recorre su grafo rama a rama.
""")

EJ3 = code(r'''
def bloque_con_proyeccion(x, filtros, stride=2):
    # Bloque residual básico con atajo de proyección (opción B); devuelve el tensor de salida.
    ### BEGIN SOLUTION
    y = keras.layers.Conv2D(filtros, 3, strides=stride, padding="same", use_bias=False)(x)
    y = keras.layers.BatchNormalization()(y)
    y = keras.layers.ReLU()(y)
    y = keras.layers.Conv2D(filtros, 3, padding="same", use_bias=False)(y)
    y = keras.layers.BatchNormalization()(y)
    atajo = keras.layers.Conv2D(filtros, 1, strides=stride, use_bias=False)(x)
    atajo = keras.layers.BatchNormalization()(atajo)
    return keras.layers.ReLU()(keras.layers.Add()([atajo, y]))
    ### END SOLUTION
''')

CH3 = code(r'''
# Comprobación: entrada 56x56x64, 128 filtros, stride 2
from cnnkit.exercises.architectures import check_residual_block
assert check_residual_block(bloque_con_proyeccion), "corrige las líneas marcadas con ✘"
### BEGIN HIDDEN TESTS
import inspect
from cnnkit.exercises.architectures import check_residual_block as comprobar_bloque
assert comprobar_bloque(bloque_con_proyeccion, input_shape=(28, 28, 32), filters=48, stride=2,
                        verbose=False), "bloque_con_proyeccion debe usar sus argumentos filtros y stride"
assert comprobar_bloque(bloque_con_proyeccion, input_shape=(14, 14, 16), filters=32, stride=1,
                        verbose=False), "con stride=1 el bloque también debe funcionar"
assert "residual_block" not in inspect.getsource(bloque_con_proyeccion), \
    "construye el bloque con capas de Keras, no con residual_block de cnnkit"
### END HIDDEN TESTS
''')

md(r"""
4. **Predice y mide: la degradación a mitad del entrenamiento.** El apartado 8 imprime la
   diferencia entre las redes de 44 y 20 capas al **final** del entrenamiento de la ejecución
   guardada. Antes de mirar la solución, **predice** cuántos puntos más de error tenía la de 44
   capas que la de 20 **a mitad** de ese entrenamiento (paso 117, unas 3 épocas en la figura; la
   última medida antes de que baje la tasa de aprendizaje), en la red plana y en la residual:
   puedes leerlo, a ojo, en la figura del apartado 8. Escribe tu predicción en la celda de texto de abajo. Después escribe
   `diferencia_de_profundidad(filas, red)`: recibe filas como las de
   `read_rows("deep_degradation.jsonl")` (diccionarios con `network`, `depth`, `seed`, `step` y
   `train_error`, en cualquier orden) y el nombre de la red (`"plain"` o `"residual"`), y
   devuelve, como fracción, la media sobre las semillas de (error del último paso de la red más
   profunda - error del último paso de la menos profunda). La comprobación la prueba con filas
   inventadas de resultado conocido; la solución la aplica a las filas guardadas hasta el paso
   117 (su último paso es el 117) y a todas, para que compares con tu predicción.
""")

PRED = md(r"""
*Mi predicción (red plana / red residual):* …
""")

EJ4 = code(r'''
def diferencia_de_profundidad(filas, red):
    # Media sobre las semillas de: error final de la más profunda - error final de la menos profunda.
    ### BEGIN SOLUTION
    mias = [f for f in filas if f["network"] == red]
    profundidades = sorted({f["depth"] for f in mias})
    diferencias = []
    for semilla in sorted({f["seed"] for f in mias}):
        final = {}
        for profundidad in (profundidades[0], profundidades[-1]):
            curva = [f for f in mias if f["seed"] == semilla and f["depth"] == profundidad]
            final[profundidad] = max(curva, key=lambda f: f["step"])["train_error"]
        diferencias.append(final[profundidades[-1]] - final[profundidades[0]])
    return sum(diferencias) / len(diferencias)
    ### END SOLUTION
''')

CH4 = code(r'''
# Comprobación con filas inventadas (no depende de la ejecución guardada)
from cnnkit.exercises.architectures import check_depth_gap
assert check_depth_gap(diferencia_de_profundidad), "corrige diferencia_de_profundidad"
### BEGIN HIDDEN TESTS
filas_prueba = [{"network": "plain", "depth": p, "seed": s, "step": t, "train_error": e}
                for p, s, t, e in ((8, 0, 0, 0.9), (8, 0, 5, 0.3), (32, 0, 0, 0.9), (32, 0, 5, 0.5))]
assert abs(diferencia_de_profundidad(filas_prueba, "plain") - 0.2) < 1e-9, "corrige diferencia_de_profundidad"
### END HIDDEN TESTS
''')

md(r"""
## Soluciones

Las celdas de esta sección están plegadas: despliega la de cada ejercicio después de
intentarlo.
""")

md(r"""
**Ejercicio 1.** La configuración C tiene dos convoluciones 3x3 en los bloques 1 y 2, y en los
bloques 3, 4 y 5 dos 3x3 seguidas de una 1x1 (13 convoluciones + 3 densas = 16 capas con
pesos). Leer la tabla como datos (una lista por bloque) evita equivocarse de orden.
""")

code(r'''
def construir_vgg_c(input_shape=(224, 224, 3), num_classes=1000):  # solución
    bloques = [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 2 + ["conv1-256"],
               ["conv3-512"] * 2 + ["conv1-512"], ["conv3-512"] * 2 + ["conv1-512"]]
    capas = [keras.Input(input_shape)]
    for bloque in bloques:
        for capa in bloque:
            nucleo, filtros = capa.removeprefix("conv").split("-")
            capas.append(keras.layers.Conv2D(int(filtros), int(nucleo), padding="same", activation="relu"))
        capas.append(keras.layers.MaxPooling2D(2))
    capas += [keras.layers.Flatten(),
              keras.layers.Dense(4096, activation="relu"),
              keras.layers.Dense(4096, activation="relu"),
              keras.layers.Dense(num_classes, activation="softmax")]
    return keras.Sequential(capas)


print("¿Pasa la comprobación?", cnnkit.format_bool(
    check_vgg_config(construir_vgg_c(input_shape=(32, 32, 3), num_classes=10), "C", num_classes=10, verbose=False)))
''')

md(r"""
**Ejercicio 2.** El campo crece k - 1 píxeles por capa, multiplicados por el producto de los
*strides* anteriores (el «salto» entre dos píxeles vecinos de esa capa, medido en la imagen).
""")

code(r'''
def campo_receptivo(nucleos, strides):  # solución
    campo, salto = 1, 1
    for k, s in zip(nucleos, strides, strict=True):
        campo += (k - 1) * salto
        salto *= s
    return campo


print("VGG16 hasta conv3_3:", campo_receptivo(*VGG16_HASTA_CONV3_3), "píxeles de lado")
''')

md(r"""
**Ejercicio 3.** La proyección es una convolución 1x1 con el mismo *stride* que la primera
convolución del camino principal, para que el atajo tenga la forma de la salida; sin sesgo,
porque la sigue una normalización por lotes. La ReLU final va **después** de la suma.
""")

code(r'''
def bloque_con_proyeccion(x, filtros, stride=2):  # solución
    y = keras.layers.Conv2D(filtros, 3, strides=stride, padding="same", use_bias=False)(x)
    y = keras.layers.BatchNormalization()(y)
    y = keras.layers.ReLU()(y)
    y = keras.layers.Conv2D(filtros, 3, padding="same", use_bias=False)(y)
    y = keras.layers.BatchNormalization()(y)
    atajo = keras.layers.Conv2D(filtros, 1, strides=stride, use_bias=False)(x)
    atajo = keras.layers.BatchNormalization()(atajo)
    return keras.layers.ReLU()(keras.layers.Add()([atajo, y]))


entrada = keras.Input((56, 56, 64))
mi_bloque = keras.Model(entrada, bloque_con_proyeccion(entrada, 128))
cuentas = stats.trainable_counts(mi_bloque)
print(f"salida {mi_bloque.output_shape[1:]}: {numero(cuentas['trainable'])} parámetros entrenables + "
      f"{numero(cuentas['non_trainable'])} medias y varianzas móviles = {numero(mi_bloque.count_params())}")
''')

md(r"""
Los parámetros entrenables son los del bloque con proyección de la tabla del apartado 6; el
total de Keras suma además las medias y varianzas móviles de sus tres normalizaciones por lotes
(2 x 128 cada una), que no se entrenan con el gradiente.

**Ejercicio 4.** Para cada semilla, el último paso de cada curva; luego la media de las
diferencias. Aplicada a la ejecución guardada, a mitad del entrenamiento y al final:
""")

code(r'''
def diferencia_de_profundidad(filas, red):  # solución
    mias = [f for f in filas if f["network"] == red]
    profundidades = sorted({f["depth"] for f in mias})
    diferencias = []
    for semilla in sorted({f["seed"] for f in mias}):
        final = {}
        for profundidad in (profundidades[0], profundidades[-1]):
            curva = [f for f in mias if f["seed"] == semilla and f["depth"] == profundidad]
            final[profundidad] = max(curva, key=lambda f: f["step"])["train_error"]
        diferencias.append(final[profundidades[-1]] - final[profundidades[0]])
    return sum(diferencias) / len(diferencias)


filas_guardadas = [f for f in read_rows("deep_degradation.jsonl") if f["kind"] == "curve"]
mitad = sorted({f["step"] for f in filas_guardadas})[len({f["step"] for f in filas_guardadas}) // 2]
for red, nombre in (("plain", "plana"), ("residual", "residual")):
    a_mitad = diferencia_de_profundidad([f for f in filas_guardadas if f["step"] <= mitad], red)
    print(f"red {nombre}, {HONDA} capas - {BAJA} capas: {numero(100 * a_mitad, 1)} puntos en el paso {mitad} "
          f"y {numero(100 * diferencia_de_profundidad(filas_guardadas, red), 1)} al final")
''')

nb = new_notebook(cells=cells, metadata=OLD.metadata)

# Solutions section: tagged and hidden
start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Soluciones"))
for c in nb.cells[start:]:
    c.metadata["tags"] = ["solution"]
    if c is not nb.cells[start]:  # the heading stays unfolded, so that the section is found
        c.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}

# nbgrader metadata like notebook 04
graded = {id(EJ1): ("ej1_construir_vgg_c", None), id(CH1): ("ej1_comprobacion", 3),
          id(EJ2): ("ej2_campo_receptivo", None), id(CH2): ("ej2_comprobacion", 2),
          id(EJ3): ("ej3_bloque_con_proyeccion", None), id(CH3): ("ej3_comprobacion", 3),
          id(EJ4): ("ej4_diferencia_de_profundidad", None), id(CH4): ("ej4_comprobacion", 2)}
for i, c in enumerate(nb.cells):
    if c is PRED:
        continue  # the student writes here: not locked, not graded
    if id(c) in graded:
        gid, points = graded[id(c)]
        if points is None:
            meta = {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                    "solution": True, "task": False}
        else:
            meta = {"grade": True, "grade_id": gid, "locked": True, "points": points,
                    "schema_version": 3, "solution": False, "task": False}
    else:
        meta = {"grade": False, "grade_id": f"lectura_{i:02d}", "locked": True,
                "schema_version": 3, "solution": False, "task": False}
    c.metadata["nbgrader"] = meta
nbformat.write(nb, sys.argv[1] if len(sys.argv) > 1 else "notebooks/06_arquitecturas_profundas.ipynb")
print(len(nb.cells), "cells")
